# bash completion for p2psim (installed to share/bash-completion/completions/p2psim).
# tests/app/install_test.cpp checks that every subcommand of `p2psim --help` is listed here.
_p2psim() {
  local cur prev cmd
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD-1]}
  cmd=${COMP_WORDS[1]}
  local commands="run validate kinds plan merge matrix discover explain plot report schema"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
    return
  fi
  case "$prev" in
    --out|--mermaid|--pcap|--mermaid-js|--examples) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --format) COMPREPLY=($(compgen -W "svg png" -- "$cur")); return ;;
    --capture) COMPREPLY=($(compgen -W "a b nat-a nat-b stun turn internet" -- "$cur")); return ;;
    --method) COMPREPLY=($(compgen -W "ice birthday" -- "$cur")); return ;;
    --a|--b) COMPREPLY=($(compgen -W "none full-cone restricted-cone port-restricted-cone symmetric symmetric-sequential linux-masquerade cgnat udp-blocked" -- "$cur")); return ;;
    --kind) COMPREPLY=($(compgen -W "group-call messaging energy capacity nat-matrix nat-population rustdesk explain" -- "$cur")); return ;;
  esac
  local opts
  case "$cmd" in
    run) opts="--set --sweep --out --jobs --seed --replications --quiet --no-write --plot --shard --resume --help" ;;
    merge) opts="--out --quiet --help" ;;
    plan) opts="--set --fleet --site --target --max --jobs --replications --json --verbose --quiet --help" ;;
    matrix) opts="--presets --turn --trickle --mdns --ipv6 --seed --csv --help" ;;
    validate) opts="--set --sweep --help" ;;
    explain) opts="--a --b --no-stun --turn --trickle --ipv6 --method --idle --keepalive --udp-timeout --hard-ports --probes --seed --point --mermaid --pcap --capture --out --quiet --help" ;;
    plot) opts="--out --format --metric --x --help" ;;
    report) opts="--out --mermaid-js --help" ;;
    schema) opts="--kind --examples --help" ;;
    *) opts="--help" ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  else
    case "$cmd" in
      plot|report|merge) COMPREPLY=($(compgen -d -- "$cur")) ;;
      *) COMPREPLY=($(compgen -f -X '!*.yaml' -- "$cur") $(compgen -d -- "$cur")) ;;
    esac
  fi
}
complete -o filenames -F _p2psim p2psim
