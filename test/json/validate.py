"""Validates JSON trace lines against docs/trace.schema.json.

    validate.py SCHEMA DIR [--require TYPE,...]

Every *.jsonl file under DIR (what the test suite's runs kept: unit tests'
records, and every JSON trace the integration and example tests read) is
read line by line; each line must be a JSON object the schema accepts.
--require names record types that must each appear at least once, so that
a run whose producers kept nothing cannot pass. Uses python3-jsonschema,
Debian's package of the maintained validator."""

import argparse
import json
import os
import sys

from jsonschema import Draft202012Validator


def main():
    p = argparse.ArgumentParser()
    p.add_argument("schema")
    p.add_argument("dir")
    p.add_argument("--require", default="")
    args = p.parse_args()
    with open(args.schema) as f:
        schema = json.load(f)
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    seen, lines, bad = {}, 0, 0
    files = sorted(os.path.join(root, name) for root, _, names in os.walk(args.dir)
                   for name in names if name.endswith(".jsonl"))
    for path in files:
        with open(path, errors="strict") as f:
            for n, line in enumerate(f, 1):
                lines += 1
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as e:
                    bad += 1
                    print(f"{path}:{n}: not JSON: {e}: {line[:200]!r}")
                    continue
                errors = sorted(validator.iter_errors(record), key=lambda e: list(e.absolute_path))
                if errors:
                    bad += 1
                    if bad <= 20:
                        print(f"{path}:{n}: {len(errors)} schema error(s), the first at "
                              f"/{'/'.join(map(str, errors[0].absolute_path))}: {errors[0].message[:300]}\n"
                              f"  {line[:400]}")
                    continue
                kind = record.get("type")
                seen[kind] = seen.get(kind, 0) + 1
    missing = [t for t in args.require.split(",") if t and t not in seen]
    print(f"{lines} lines in {len(files)} files: {bad} invalid; by type: "
          + ", ".join(f"{k} {v}" for k, v in sorted(seen.items())))
    if missing:
        print(f"no valid record of type {', '.join(missing)}: the tests kept no such JSON")
    return 1 if bad or missing or lines == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
