#!/usr/bin/env python3
"""Independent verifier for a planledger export, written against the published format only.

Usage: verify_export.py EXPORT.jsonl [DOCUMENTS_DIR]

Uses the PyPI packages `blake3` and `jcs` (RFC 8785), not planledger's code. For every line:
the line is the JCS canonical form of its JSON; hash == BLAKE3(JCS(event without "hash"));
seq counts from 0; prev is the previous hash (genesis: 64 zeros). With DOCUMENTS_DIR, every
DocumentIngested's document is DOCUMENTS_DIR/<hash>.txt with that BLAKE3 and byte length.
A correction (DocumentRedescribed, DocumentWithdrawn) must name a document ingested before it
and not withdrawn before it.
Prints "N passed, 0 failed" and exits 0, or names the first bad line and exits 1.
"""
import json
import os
import sys

import blake3
import jcs

GENESIS = "0" * 64


def fail(line_number, message):
    print(f"line {line_number}: {message}")
    print("0 passed, 1 failed")
    sys.exit(1)


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__)
        sys.exit(2)
    documents_dir = sys.argv[2] if len(sys.argv) == 3 else None
    with open(sys.argv[1], "rb") as export:
        lines = export.read().split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    previous = GENESIS
    ingested, withdrawn = set(), set()
    for index, line in enumerate(lines):
        number = index + 1
        try:
            event = json.loads(line)
        except ValueError as error:
            fail(number, f"not JSON: {error}")
        if jcs.canonicalize(event) != line:
            fail(number, "not in RFC 8785 canonical form")
        claimed = event.pop("hash", None)
        recomputed = blake3.blake3(jcs.canonicalize(event)).hexdigest()
        if claimed != recomputed:
            fail(number, f"hash {claimed} does not match the content's {recomputed}")
        if event.get("seq") != index:
            fail(number, f"seq {event.get('seq')} where {index} belongs")
        if event.get("prev") != previous:
            fail(number, f"prev {event.get('prev')} is not the previous hash {previous}")
        previous = claimed
        kind, document = event.get("kind"), event.get("source", {}).get("document")
        if kind == "DocumentIngested":
            ingested.add(document)
        elif kind in ("DocumentRedescribed", "DocumentWithdrawn"):
            if document not in ingested:
                fail(number, f"{kind} names document {document}, not ingested before it")
            if document in withdrawn:
                fail(number, f"{kind} names document {document}, withdrawn before it")
            if kind == "DocumentWithdrawn":
                withdrawn.add(document)
        if documents_dir is not None and event.get("kind") == "DocumentIngested":
            name = event["source"]["document"]
            path = os.path.join(documents_dir, name + ".txt")
            try:
                with open(path, "rb") as document:
                    data = document.read()
            except OSError:
                fail(number, f"document {path} is missing")
            if blake3.blake3(data).hexdigest() != name:
                fail(number, f"document {path} does not hash to its name")
            if len(data) != event["byte_length"]:
                fail(number, f"document {path} is {len(data)} bytes, the event says {event['byte_length']}")
    print(f"{len(lines)} passed, 0 failed")


if __name__ == "__main__":
    main()
