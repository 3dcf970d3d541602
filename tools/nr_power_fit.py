#!/usr/bin/env python3
"""Derivation of the `radio: nr` presets (docs/models/energy.md, "5G NR").

Reads the SIGCOMM 2021 artifact of Narayanan et al., "A Variegated Look at 5G in the
Wild" (github.com/SIGCOMM21-5G/artifact) at one fixed commit, straight from a clone's git
objects (`git show COMMIT:path`; nothing is copied into p2psim), and prints:

  1. per network type and direction, the straight-line fit of whole-device power against
     throughput over the controlled stationary iPerf runs of
     Data-Transfer-Power/MN-Transfer/data-processed/MN-Transfer_combined.csv (Figure 11
     of the paper): samples within +-w Mb/s of each target rate are averaged per target,
     then P = slope * rate + intercept is fitted to those means (least squares, as the
     artifact's own Figure 11 script does; the windows w and target lists are that
     script's);
  2. the power models the authors used for web browsing (Section 6), read from
     Web-Browsing/scripts/web_utils.py;
  3. the presets derived from 1 and 2 (see docs/models/energy.md for the rule);
  4. a cross-check: the joint least-squares fit P - baseline = a_up*U + a_down*D + b over
     the per-second walking logs (Power-Model/...), which is NOT used for the presets;
  5. the RRC timers from RRC-Power/README.md (promotion) and the RRC-Probe figure
     scripts (RRC_CONNECTED spans), and the RRC-Probe RTTs from idle vs connected.

Usage: tools/nr_power_fit.py GIT_DIR     (e.g. a `git clone --bare` of the artifact)
Needs only python3 and git; it is a record of the method, not run in CI.
"""
import csv
import io
import re
import subprocess
import sys

COMMIT = "35aaf2857550c7f4c736fe9b01e894253a777e4e"  # artifact HEAD read for p2psim


def show(git_dir, path):
    return subprocess.run(["git", "--git-dir", git_dir, "show", f"{COMMIT}:{path}"],
                          check=True, capture_output=True, text=True).stdout


def rows(git_dir, path):
    return list(csv.DictReader(io.StringIO(show(git_dir, path))))


def solve(a, b):
    n = len(b)
    m = [list(a[i]) + [b[i]] for i in range(n)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        for r in range(n):
            if r != c:
                f = m[r][c] / m[c][c]
                for k in range(c, n + 1):
                    m[r][k] -= f * m[c][k]
    return [m[i][n] / m[i][i] for i in range(n)]


def least_squares(xs, ys):
    """Coefficients, R^2 of y ~ x (each x a list of regressors, last one 1)."""
    k = len(xs[0])
    a = [[sum(x[i] * x[j] for x in xs) for j in range(k)] for i in range(k)]
    b = [sum(x[i] * y for x, y in zip(xs, ys)) for i in range(k)]
    c = solve(a, b)
    mean = sum(ys) / len(ys)
    ss_res = sum((y - sum(ci * xi for ci, xi in zip(c, x))) ** 2 for x, y in zip(xs, ys))
    ss_tot = sum((y - mean) ** 2 for y in ys)
    return c, 1 - ss_res / ss_tot


# ---- 1. Figure 11: controlled transfers ------------------------------------------------
# (network type, direction) -> (target list or None = the targets present, window, window above 200 Mb/s, keep first n)
FIG11 = {
    ("mmwave", "downlink"): ([1, 50, 100, 130, 200, 400, 600, 800, 1000, 1200, 1400, 1600, 1800, 2000, 2200, 2400], 4, 20, None),
    ("mmwave", "uplink"): (None, 1, None, None),
    ("NSALow", "downlink"): (None, 1, None, None),
    ("NSALow", "uplink"): (None, 0.5, None, None),
    ("LTE", "downlink"): (None, 1.5, None, 11),
    ("LTE", "uplink"): ([1, 5, 10, 15, 20, 25, 30, 35, 40], 1, None, None),
}


def fig11_fits(git_dir):
    data = rows(git_dir, "Data-Transfer-Power/MN-Transfer/data-processed/MN-Transfer_combined.csv")
    out = {}
    for (net, direction), (targets, w, w_large, keep) in FIG11.items():
        sel = [r for r in data if r["provider"] == "Verizon" and r["network type"] == net and r["direction"] == direction]
        if targets is None:
            targets = []
            for r in sel:
                t = float(r["target bandwidth"])
                if t not in targets:
                    targets.append(t)
        windows = [(t - (w_large if w_large and t > 200 else w), t + (w_large if w_large and t > 200 else w)) for t in targets]
        if keep:
            windows = windows[:keep]
        means = []
        samples = 0
        for i, (lo, hi) in enumerate(windows):  # (lo, hi], the first one closed
            v = [(float(r["throughput"]), float(r["avg_power"])) for r in sel
                 if lo < float(r["throughput"]) <= hi or (i == 0 and float(r["throughput"]) == lo)]
            if v:
                samples += len(v)
                means.append((sum(a for a, _ in v) / len(v), sum(p for _, p in v) / len(v)))
        (slope, intercept), r2 = least_squares([[x, 1.0] for x, _ in means], [p for _, p in means])
        out[(net, direction)] = (slope, intercept, r2, len(means), samples)
    return out


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    g = sys.argv[1]

    print(f"artifact commit {COMMIT}\n")
    print("1. Figure 11 fits (whole-device power, mW = slope * Mb/s + intercept)")
    f11 = fig11_fits(g)
    for (net, d), (s, b, r2, n, samples) in f11.items():
        print(f"   {net:7s} {d:9s} slope {s:7.3f} mW/(Mb/s)  intercept {b:7.1f} mW  R^2 {r2:.3f}  ({n} target means, {samples} samples)")

    def cross(a, b):
        return (f11[a][1] - f11[b][1]) / (f11[b][0] - f11[a][0])
    print(f"   downlink lines cross: mmWave/LTE at {cross(('mmwave', 'downlink'), ('LTE', 'downlink')):.2f} Mb/s, "
          f"mmWave/NSA low-band at {cross(('mmwave', 'downlink'), ('NSALow', 'downlink')):.2f} Mb/s")

    print("\n2. the authors' web-browsing power models (Web-Browsing/scripts/web_utils.py)")
    web = show(g, "Web-Browsing/scripts/web_utils.py")
    models = {}
    for lineno, line in enumerate(web.splitlines(), 1):
        m = re.search(r"dict_(4g|5g)\['power'\] = ([0-9.]+) \* float\(dict_\w+\['throughput'\]\) \+ ([0-9.]+)", line)
        if m and m.group(1) not in models:
            models[m.group(1)] = (float(m.group(2)), float(m.group(3)))
            print(f"   line {lineno}: {m.group(1)}: P = {m.group(2)} mW/(Mb/s) * T + {m.group(3)} mW")
    (a4, b4), (a5, b5) = models["4g"], models["5g"]
    gap_fig11 = f11[("mmwave", "downlink")][1] - f11[("LTE", "downlink")][1]
    print(f"   5G - 4G base {b5 - b4:.1f} mW; Figure 11 mmWave - LTE downlink intercepts {gap_fig11:.1f} mW "
          f"(so the 5G model is the mmWave line)")
    print(f"   device base implied: LTE {f11[('LTE', 'downlink')][1] - b4:.1f} mW, mmWave {f11[('mmwave', 'downlink')][1] - b5:.1f} mW")

    print("\n3. presets (LteParams, mW and mW/(Mb/s))")
    mm = dict(alpha_up=f11[("mmwave", "uplink")][0], alpha_down=a5, beta=b5)
    lb = dict(alpha_up=f11[("NSALow", "uplink")][0], alpha_down=f11[("NSALow", "downlink")][0],
              beta=b4 + f11[("NSALow", "downlink")][1] - f11[("LTE", "downlink")][1])
    check = b4 + gap_fig11
    for name, p in (("nsa-mmwave", mm), ("nsa-low-band", lb)):
        print(f"   {name:13s} alpha_up {p['alpha_up']:.2f}  alpha_down {p['alpha_down']:.3f}  beta {p['beta']:.1f}")
    print(f"   check: the low-band rule applied to mmWave gives beta {check:.1f} mW against the authors' {b5:.0f} mW")

    print("\n4. cross-check, not used: walking logs, P - baseline = a_up*U + a_down*D + b (per-second samples)")
    walk = [
        ("T-Mobile NSA low-band", "Power-Model/MN-Wild/data-processed/cleaned-logs/s20_t-mobile_nsa_all.csv",
         "uplink_mbps", "downlink_mbps", "avg_power_baseline"),
        ("T-Mobile SA low-band", "Power-Model/MN-Wild/data-processed/cleaned-logs/s20_t-mobile_sa_all.csv",
         "uplink_mbps", "downlink_mbps", "avg_power_baseline"),
        ("Verizon NSA mmWave (MN)", "Power-Model/MI-Wild/data-processed/mn-vz-hb_combined.csv",
         "uplink_Mbps", "downlink_Mbps", "hardware_power"),
        ("Verizon NSA low-band (MN)", "Power-Model/MI-Wild/data-processed/mn-vz-lb_combined.csv",
         "uplink_Mbps", "downlink_Mbps", "hardware_power"),
    ]
    for name, path, cu, cd, cp in walk:
        xs, ys = [], []
        for r in rows(g, path):
            try:
                u, d, p = float(r[cu]), float(r[cd]), float(r[cp])
            except (ValueError, KeyError):
                continue
            if u == u and d == d and p == p:  # not NaN
                xs.append([u, d, 1.0])
                ys.append(p)
        (au, ad, b), r2 = least_squares(xs, ys)
        print(f"   {name:26s} n {len(ys):6d}  a_up {au:7.2f}  a_down {ad:7.3f}  b {b:7.1f}  R^2 {r2:.3f}")

    print("\n5. timers")
    readme = show(g, "RRC-Power/README.md")
    spans = re.findall(r"last idle end: ([0-9.]+); 4g start: ([0-9.]+); 5g start: ([0-9.]+); tail end: ([0-9.]+)", readme)
    promo = [float(b) - float(a) for a, b, _, _ in spans]
    switch = [float(c) - float(b) for _, b, c, _ in spans]
    tail = [float(d) - float(c) for _, _, c, d in spans]
    print(f"   RRC-Power/README.md, {len(spans)} transitions: promotion {['%.2f' % x for x in promo]} s, mean {sum(promo) / len(promo):.3f} s;"
          f" 4G->5G {['%.2f' % x for x in switch]} s; 5G tail {['%.2f' % x for x in tail]} s")
    for probe in ("SALMONBERRY_299_Verizon_NSAmmwave", "SALMONBERRY_299_Verizon_NSAlow", "RASPBERRY_670_Verizon_NSAlow"):
        data = [r for r in rows(g, f"RRC-Probe/data/{probe}.csv") if r["KeepOrDrop"] != "BAD"]
        conn = sorted(float(r["RTT1"]) for r in data if 1 <= float(r["interval"]) < 9)
        idle = sorted(float(r["RTT1"]) for r in data if float(r["interval"]) > 13)
        med = lambda v: (v[(len(v) - 1) // 2] + v[len(v) // 2]) / 2
        print(f"   RRC-Probe {probe}: median RTT after 1-9 s idle {med(conn):.0f} ms (n {len(conn)}), "
              f"after > 13 s {med(idle):.0f} ms (n {len(idle)}): +{med(idle) - med(conn):.0f} ms (paging wait + promotion)")
    for script in ("RRC-Probe/plot-section4-figure10.py", "RRC-Probe/plot-section4-figure25.py"):
        text = show(g, script)
        for title in re.findall(r"set_title\('([^']+)'", text):
            print(f"   {script}: panel '{title}'")
        for lineno, line in enumerate(text.splitlines(), 1):
            if "_conn = patches.Rectangle" in line:
                print(f"     line {lineno}: {line.strip()[:80]}")


if __name__ == "__main__":
    main()
