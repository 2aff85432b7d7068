#!/usr/bin/env python3
"""Check contracts/records/record.schema.json against records that must pass and records that must fail.

Usage:
  check_record_schema.py SCHEMA [VALID_DIR ...] [--stdin] [--generate] [--seeds 1-10]
                         [--mixes live,historical,all] [--count 1000] [--generator PATH]
                         [--invalid DIR]

  SCHEMA        the record schema (contracts/records/record.schema.json)
  VALID_DIR     folders of *.json records that must be valid (e.g. /work/shared/samples/records,
                Tests/CivgateTests/Fixtures/valid); their (system, recordId, version) must be unique
  --stdin       also read NDJSON records (one a line) from standard input; all must be valid
  --generate    also run the registry's generator for every seed x mix, --count records each
  --invalid DIR every *.json there must be rejected; files listed in EXPECTED must be rejected
                at the expected path with the expected keyword

Prints "N valid, M invalid" for the records that must be valid, and
"K rejected, L accepted" for the records that must be rejected; exits 1 on any surprise.

What it checks besides plain validation:
  * the schema is a valid draft 2020-12 schema (Draft202012Validator.check_schema);
  * it only uses the keyword subset civgate's Swift validator implements, local "#/$defs/X" refs
    that resolve, bounded strings (maxLength/enum/const) and arrays (maxItems), and portable patterns (anchored ^...$, no \\d \\w \\s ., no lookaround or
    backreferences);
  * `pattern` is evaluated with ECMA-262 semantics for "$" (end of input only). Python's re lets
    "$" match before a trailing newline; the Swift validator must not, so neither does this check.

Needs the `jsonschema` package (4.18+). Standard library otherwise.
"""
import argparse
import json
import os
import re
import subprocess
import sys

import jsonschema
from jsonschema import Draft202012Validator, validators

DEFAULT_GENERATOR = os.environ.get("CIVGATE_GEN_RECORDS", "/work/shared/tools/gen_records.py")

ALLOWED_KEYWORDS = {
    "$schema", "$id", "$defs", "$ref", "title", "description", "type", "properties", "required",
    "additionalProperties", "items", "minItems", "maxItems", "enum", "const", "pattern", "minLength",
    "maxLength", "minimum", "maximum", "oneOf", "anyOf", "allOf", "examples",
}
# keywords whose value is a map name -> schema / a schema / a list of schemas
MAP_OF_SCHEMAS = {"properties", "$defs"}
ONE_SCHEMA = {"items", "additionalProperties"}
LIST_OF_SCHEMAS = {"oneOf", "anyOf", "allOf"}

# Invalid fixtures: file name -> (JSON path of the expected error, failing keyword).
# The path format is the one the gateway reports in problem.errors[].path (see json_path below).
EXPECTED = {
    "missing-source.json": ("$.source", "required"),
    "missing-source-system.json": ("$.source.system", "required"),
    "missing-source-record-id.json": ("$.source.recordId", "required"),
    "missing-source-version.json": ("$.source.version", "required"),
    "source-version-zero.json": ("$.source.version", "minimum"),
    "source-version-string.json": ("$.source.version", "type"),
    "missing-event.json": ("$.event", "required"),
    "unknown-event.json": ("$.event", "enum"),
    "missing-authority-code.json": ("$.registration.authority.code", "required"),
    "authority-code-system-unknown.json": ("$.registration.authority.codeSystem", "enum"),
    "missing-subjects.json": ("$.subjects", "required"),
    "empty-subjects.json": ("$.subjects", "minItems"),
    "subject-missing-role.json": ("$.subjects[1].role", "required"),
    "bad-sex.json": ("$.subjects[0].sex", "enum"),
    "birthdate-precision-mismatch.json": ("$.subjects[1].birthDate", "oneOf"),
    "birthdate-age-not-integer.json": ("$.subjects[1].birthDate", "oneOf"),
    "birthdate-age-over-150.json": ("$.subjects[1].birthDate", "oneOf"),
    "birthdate-extra-property.json": ("$.subjects[0].birthDate", "oneOf"),
    "birthdate-non-ascii-digits.json": ("$.subjects[0].birthDate", "oneOf"),
    "pin-11-digits.json": ("$.subjects[1].pin", "pattern"),
    "pin-with-letter.json": ("$.subjects[1].pin", "pattern"),
    "pin-trailing-newline.json": ("$.subjects[1].pin", "pattern"),
    "ethnicity-code-system-unknown.json": ("$.subjects[0].ethnicity.codeSystem", "enum"),
    "ethnicity-code-3-digits.json": ("$.subjects[0].ethnicity.code", "pattern"),
    "nationality-lowercase.json": ("$.subjects[0].nationality.code", "pattern"),
    "registration-date-not-iso.json": ("$.registration.date", "pattern"),
    "approval-at-without-offset.json": ("$.approval.at", "pattern"),
    "approval-at-trailing-newline.json": ("$.approval.at", "pattern"),
    "name-too-long.json": ("$.subjects[0].name.full", "maxLength"),
}


# ---------------------------------------------------------------- ECMA-ish pattern semantics

def ecma_pattern(pattern):
    """Translate a subset-ECMA pattern for Python's re: an unescaped '$' outside a class -> '\\Z'."""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "$":
            c = r"\Z"
        out.append(c)
        i += 1
    return "".join(out)


_compiled = {}


def _pattern(validator, patrn, instance, schema):
    if not validator.is_type(instance, "string"):
        return
    rx = _compiled.get(patrn)
    if rx is None:
        rx = _compiled[patrn] = re.compile(ecma_pattern(patrn))
    if not rx.search(instance):
        yield jsonschema.ValidationError(f"does not match {patrn!r}")


EcmaValidator = validators.extend(Draft202012Validator, {"pattern": _pattern})


# ---------------------------------------------------------------- subset lint

def lint(schema):
    problems = []
    defs = schema.get("$defs", {})

    def check_pattern(p, where):
        if not (p.startswith("^") and p.endswith("$")):
            problems.append(f"{where}: pattern not anchored ^...$: {p}")
        if "(?" in p:
            problems.append(f"{where}: pattern uses (? group syntax (lookaround/flags): {p}")
        if re.search(r"\\[1-9dDwWsSbB]", p):
            problems.append(f"{where}: pattern uses a backreference or a Unicode-dependent class: {p}")
        if re.search(r"(?<!\\)\.", re.sub(r"\[[^\]]*\]", "", p)):
            problems.append(f"{where}: pattern uses '.' (newline semantics differ): {p}")
        try:
            re.compile(p)
        except re.error as e:
            problems.append(f"{where}: pattern does not compile: {e}")

    def walk(node, where):
        if isinstance(node, bool):
            return
        if not isinstance(node, dict):
            problems.append(f"{where}: schema is not an object")
            return
        types = node.get("type", [])
        if ("string" in types if isinstance(types, list) else types == "string") and not (
                "maxLength" in node or "enum" in node or "const" in node):
            problems.append(f"{where}: string without maxLength (unbounded field)")
        if node.get("type") == "array" and "maxItems" not in node:
            problems.append(f"{where}: array without maxItems (unbounded field)")
        for k, v in node.items():
            w = f"{where}/{k}"
            if k not in ALLOWED_KEYWORDS:
                problems.append(f"{w}: keyword outside the supported subset")
                continue
            if k == "$ref":
                if not (isinstance(v, str) and v.startswith("#/$defs/") and v[len("#/$defs/"):] in defs):
                    problems.append(f"{w}: $ref must be a resolvable local '#/$defs/X': {v}")
            elif k == "type":
                types = v if isinstance(v, list) else [v]
                ok = {"string", "integer", "number", "boolean", "object", "array", "null"}
                if not all(isinstance(t, str) and t in ok for t in types):
                    problems.append(f"{w}: bad type {v}")
            elif k == "pattern":
                check_pattern(v, w)
            elif k in MAP_OF_SCHEMAS:
                if k == "$defs" and where != "#":
                    problems.append(f"{w}: $defs only at the root")
                for name, sub in v.items():
                    walk(sub, f"{w}/{name}")
            elif k in ONE_SCHEMA:
                walk(v, w)
            elif k in LIST_OF_SCHEMAS:
                for n, sub in enumerate(v):
                    walk(sub, f"{w}/{n}")

    walk(schema, "#")
    return problems


# ---------------------------------------------------------------- error paths

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def json_path(parts):
    """$ root, .name for identifier-like keys, ['key'] otherwise, [n] for array indexes."""
    s = "$"
    for p in parts:
        if isinstance(p, int):
            s += f"[{p}]"
        elif _IDENT.match(p):
            s += f".{p}"
        else:
            s += "['" + p.replace("\\", "\\\\").replace("'", "\\'") + "']"
    return s


def errors_of(validator, record):
    """(path, keyword) pairs, one per leaf error; a missing property is reported at its own path."""
    out = []
    for e in validator.iter_errors(record):
        parts = list(e.absolute_path)
        if e.validator == "required" and isinstance(e.instance, dict):
            for name in e.validator_value:
                if name not in e.instance:
                    out.append((json_path(parts + [name]), "required"))
        else:
            out.append((json_path(parts), e.validator))
    return sorted(set(out))


# ---------------------------------------------------------------- inputs

def load_dir(d):
    for name in sorted(os.listdir(d)):
        if name.endswith(".json"):
            path = os.path.join(d, name)
            with open(path, encoding="utf-8") as f:
                yield path, f.read()


def generated(generator, seeds, mixes, count):
    for seed in seeds:
        for mix in mixes:
            out = subprocess.run([sys.executable, generator, "--count", str(count), "--seed", str(seed),
                                  "--mix", mix], check=True, capture_output=True, text=True).stdout
            for n, line in enumerate(out.splitlines(), 1):
                if line.strip():
                    yield f"gen seed={seed} mix={mix} line={n}", line


def parse_seeds(s):
    seeds = []
    for part in s.split(","):
        a, _, b = part.partition("-")
        seeds += list(range(int(a), int(b or a) + 1))
    return seeds


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("schema")
    ap.add_argument("valid_dirs", nargs="*")
    ap.add_argument("--stdin", action="store_true")
    ap.add_argument("--generate", action="store_true")
    ap.add_argument("--seeds", default="1-10")
    ap.add_argument("--mixes", default="live,historical,all")
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--generator", default=DEFAULT_GENERATOR)
    ap.add_argument("--invalid")
    ap.add_argument("--show", type=int, default=20, help="print at most this many failures")
    a = ap.parse_args()

    with open(a.schema, encoding="utf-8") as f:
        schema = json.load(f)
    failed = False

    Draft202012Validator.check_schema(schema)
    problems = lint(schema)
    for p in problems:
        print(f"schema: {p}")
    print(f"schema: draft 2020-12 ok, subset lint: {len(problems)} problem(s)")
    failed |= bool(problems)

    strict = EcmaValidator(schema)
    plain = Draft202012Validator(schema)
    shown = 0

    def show(msg):
        nonlocal shown
        if shown < a.show:
            print(msg)
        shown += 1

    # -- records that must be valid
    n_valid = n_invalid = 0
    seen_ids = {}

    def check_valid(label, text, track_ids):
        nonlocal n_valid, n_invalid
        try:
            rec = json.loads(text)
        except json.JSONDecodeError as e:
            n_invalid += 1
            show(f"INVALID {label}: not JSON ({e.msg})")
            return
        errs = errors_of(strict, rec)
        if not errs and not plain.is_valid(rec):
            errs = [("(plain jsonschema disagrees)", "?")]
        if errs:
            n_invalid += 1
            show(f"INVALID {label}: " + "; ".join(f"{p} {k}" for p, k in errs[:5]))
            return
        n_valid += 1
        if track_ids:
            src = rec["source"]
            key = (src["system"], src["recordId"], src["version"])
            if key in seen_ids:
                n_valid -= 1
                n_invalid += 1
                show(f"DUPLICATE {label}: same source id as {seen_ids[key]}")
            seen_ids[key] = label

    for d in a.valid_dirs:
        for path, text in load_dir(d):
            check_valid(path, text, True)
    if a.stdin:
        for n, line in enumerate(sys.stdin, 1):
            if line.strip():
                check_valid(f"stdin line {n}", line, False)
    if a.generate:
        for label, line in generated(a.generator, parse_seeds(a.seeds), a.mixes.split(","), a.count):
            check_valid(label, line, False)
    print(f"{n_valid} valid, {n_invalid} invalid")
    failed |= n_invalid > 0

    # -- records that must be rejected
    if a.invalid:
        n_rej = n_acc = 0
        for path, text in load_dir(a.invalid):
            name = os.path.basename(path)
            rec = json.loads(text)
            errs = errors_of(strict, rec)
            plain_ok = plain.is_valid(rec)
            if not errs:
                n_acc += 1
                print(f"ACCEPTED (must be rejected) {name}")
                continue
            n_rej += 1
            want = EXPECTED.get(name)
            verdict = "ok"
            if want is None:
                verdict = "no expectation listed"
            elif want not in errs:
                verdict = f"WRONG REASON, expected {want[0]} {want[1]}"
                failed = True
            elif len({p for p, _ in errs}) > 1:
                verdict = "MORE THAN ONE THING BROKEN"
                failed = True
            note = "" if not plain_ok else "  (plain Python re would accept: relies on ECMA '$')"
            print(f"rejected {name}: " + "; ".join(f"{p} {k}" for p, k in errs) + f"  [{verdict}]{note}")
        missing = sorted(set(EXPECTED) - set(os.listdir(a.invalid)))
        for m in missing:
            print(f"MISSING invalid fixture {m}")
        print(f"{n_rej} rejected, {n_acc} accepted")
        failed |= n_acc > 0 or bool(missing)

    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
