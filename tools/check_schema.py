#!/usr/bin/env python3
"""Validates scenario files against p2psim's JSON Schema with an independent validator
(Debian python3-jsonschema, python3-yaml):
    python3 tools/check_schema.py SCHEMA.json FILE.yaml...
Prints "FILE OK" or "FILE INVALID: reason" per file; exit status 0 when every file
validates, 1 otherwise. tests/app/schema_test.cpp runs it."""
import json
import sys

import jsonschema
import yaml


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    bad = 0
    for path in sys.argv[2:]:
        with open(path, encoding="utf-8") as f:
            doc = yaml.safe_load(f)
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        if errors:
            bad += 1
            e = errors[0]
            print(f"{path} INVALID: {'.'.join(str(p) for p in e.absolute_path)}: {e.message[:300]}")
        else:
            print(f"{path} OK")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
