#!/usr/bin/env python3
"""Check contracts/api/openapi.yaml.

Usage:
  check_openapi.py [OPENAPI] [--valid-dir DIR ...] [--invalid-dir DIR ...]

  OPENAPI        defaults to contracts/api/openapi.yaml next to this repository's Tests/
  --valid-dir    records that POST /v1/records must accept (checked through the request-body $ref)
  --invalid-dir  records that POST /v1/records must reject

Checks, in order:
  1. openapi-spec-validator (OpenAPI 3.1), with a file:// base URI so that
     '../records/record.schema.json' is resolved; that file is then checked as a draft 2020-12 schema
     (the spec validator resolves external files but does not check their content);
  2. every example in the document (components.examples, media-type `example`/`examples`, and the NDJSON
     example line by line against `x-ndjson-line-schema`) validates against its schema;
  3. every 4xx/5xx response except /readyz's 503 is application/problem+json with the Problem schema;
  4. optional record fixtures go through the requestBody schema of POST /v1/records.

Patterns are evaluated with ECMA-262 "$" semantics (EcmaValidator from check_record_schema.py).
Needs PyYAML, jsonschema (4.18+, with `referencing`) and openapi-spec-validator (0.7+).
"""
import argparse
import json
import os
import pathlib
import sys

import yaml
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

HERE = pathlib.Path(__file__).resolve()
sys.path.insert(0, str(HERE.parent))
# draft 2020-12 with ECMA-262 "$" (end of input only), as civgate's Swift validator evaluates patterns
from check_record_schema import EcmaValidator  # noqa: E402
from jsonschema import validators  # noqa: E402

# A $ref into a file that declares "$schema" makes jsonschema pick the validator class registered for that
# meta-schema; register EcmaValidator for 2020-12 so the ECMA "$" rule also holds inside the record schema.
validators.validates("https://json-schema.org/draft/2020-12/schema")(EcmaValidator)
DEFAULT = HERE.parents[2] / "contracts" / "api" / "openapi.yaml"


def pointer(*parts):
    return "#/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("openapi", nargs="?", default=str(DEFAULT))
    ap.add_argument("--valid-dir", action="append", default=[])
    ap.add_argument("--invalid-dir", action="append", default=[])
    a = ap.parse_args()

    path = pathlib.Path(a.openapi).resolve()
    base = path.as_uri()
    with open(path, encoding="utf-8") as f:
        spec = yaml.safe_load(f)
    failures = 0

    # 1. the OpenAPI document itself (external $refs resolved from base)
    validate(spec, base_uri=base)
    print(f"openapi-spec-validator: {path.name} is valid OpenAPI {spec['openapi']}")

    # a registry holding this document and every external file it points to
    resources = [(base, Resource.from_contents(spec, default_specification=DRAFT202012))]
    externals = set()

    def collect(node):
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and not ref.startswith("#"):
                externals.add(ref.split("#")[0])
            for v in node.values():
                collect(v)
        elif isinstance(node, list):
            for v in node:
                collect(v)

    collect(spec)
    for rel in sorted(externals):
        target = (path.parent / rel).resolve()
        with open(target, encoding="utf-8") as f:
            contents = json.load(f)
        # openapi-spec-validator resolves external files but does not check them as schemas
        EcmaValidator.check_schema(contents)
        print(f"external schema {rel}: valid draft 2020-12 schema")
        res = Resource.from_contents(contents, default_specification=DRAFT202012)
        resources.append((target.as_uri(), res))
        if isinstance(contents, dict) and "$id" in contents:
            resources.append((contents["$id"], res))
    registry = Registry().with_resources(resources).crawl()

    def validator_for(schema_pointer):
        return EcmaValidator({"$ref": base + schema_pointer}, registry=registry)

    # 2. examples
    n_examples = 0

    def check_example(where, schema_pointer, value):
        nonlocal n_examples, failures
        n_examples += 1
        errs = sorted(validator_for(schema_pointer).iter_errors(value), key=lambda e: list(e.absolute_path))
        for e in errs[:5]:
            print(f"EXAMPLE INVALID {where}: {'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}")
        failures += bool(errs)

    def resolve_local(ref):
        node = spec
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def check_media(where, ptr_parts, media):
        if "schema" in media:
            sp = pointer(*ptr_parts, "schema")
            if "example" in media:
                ex = media["example"]
                if "x-ndjson-line-schema" in media and isinstance(ex, str):
                    lsp = pointer(*ptr_parts, "x-ndjson-line-schema")
                    for n, line in enumerate(ex.splitlines(), 1):
                        if line.strip():
                            check_example(f"{where} example line {n}", lsp, json.loads(line))
                else:
                    check_example(f"{where} example", sp, ex)
            for name, ex in (media.get("examples") or {}).items():
                if "$ref" in ex:
                    ex = resolve_local(ex["$ref"])
                check_example(f"{where} examples.{name}", sp, ex["value"])

    problem_ref = "#/components/schemas/Problem"
    for p, item in spec["paths"].items():
        for method, op in item.items():
            if method not in ("get", "put", "post", "delete", "patch", "head", "options"):
                continue
            body = op.get("requestBody", {})
            for ct, media in body.get("content", {}).items():
                check_media(f"{method.upper()} {p} request {ct}",
                            ["paths", p, method, "requestBody", "content", ct], media)
            for status, resp in op["responses"].items():
                rp = ["paths", p, method, "responses", status]
                if "$ref" in resp:
                    rp = resp["$ref"][2:].split("/")
                    resp = resolve_local(resp["$ref"])
                for ct, media in resp.get("content", {}).items():
                    check_media(f"{method.upper()} {p} {status} {ct}", rp + ["content", ct], media)
                # 3. problem responses
                if status[0] in "45" and not (p == "/readyz" and status == "503"):
                    media = resp.get("content", {}).get("application/problem+json")
                    if not media or media.get("schema", {}).get("$ref") != problem_ref:
                        print(f"NOT A PROBLEM RESPONSE: {method.upper()} {p} {status}")
                        failures += 1
    for name, schema in spec["components"]["schemas"].items():
        for n, ex in enumerate(schema.get("examples", []) if isinstance(schema.get("examples"), list) else []):
            check_example(f"components.schemas.{name}.examples[{n}]", pointer("components", "schemas", name), ex)
    print(f"examples: {n_examples} checked, {failures} failure(s)")

    # 4. record fixtures through the request-body schema
    body_ptr = pointer("paths", "/v1/records", "post", "requestBody", "content", "application/json", "schema")
    body_validator = validator_for(body_ptr)
    for kind, dirs in (("valid", a.valid_dir), ("invalid", a.invalid_dir)):
        ok = bad = 0
        for d in dirs:
            for name in sorted(os.listdir(d)):
                if name.endswith(".json"):
                    with open(os.path.join(d, name), encoding="utf-8") as f:
                        rec = json.load(f)
                    if body_validator.is_valid(rec) == (kind == "valid"):
                        ok += 1
                    else:
                        bad += 1
                        print(f"UNEXPECTED: {kind} fixture {name} {'rejected' if kind == 'valid' else 'accepted'}")
        if dirs:
            print(f"POST /v1/records body, {kind} fixtures: {ok} as expected, {bad} not")
            failures += bad

    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
