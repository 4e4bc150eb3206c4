#!/usr/bin/env python3
"""Where the bytes of a tools/list answer go.

    restmcp tools --json --layout operations --spec API.json | scripts/listing-breakdown.py

Reads the JSON array `restmcp tools --json` prints (exactly what tools/list
returns) and prints its size in bytes (compact JSON, as TestListingSizes and
`tools --tokens --json` count it) split by what carries them: the parts the
model reads (names, descriptions, input schemas) and the parts only the
client reads (titles, annotations), the schemas split by keyword, and the
argument shapes repeated most often across tools.
"""
import collections
import json
import sys


def size(v):
    return len(json.dumps(v, separators=(",", ":"), ensure_ascii=False))


def main():
    tools = json.load(sys.stdin)
    total = size(tools)
    part = collections.Counter()
    keyword = collections.Counter()
    shapes = collections.Counter()
    shape_bytes = collections.Counter()

    def walk(s):
        if not isinstance(s, dict):
            return
        for k, v in s.items():
            if k == "properties":
                keyword["(property names)"] += sum(len(n) + 4 for n in v)
                keyword["properties"] += len(k) + 5
                for p in v.values():
                    walk(p)
            elif k == "items":
                keyword[k] += len(k) + 4
                walk(v)
            elif k in ("anyOf", "oneOf", "allOf"):
                keyword[k] += len(k) + 5
                for p in v:
                    walk(p)
            else:
                keyword[k] += len(k) + 4 + size(v)

    for t in tools:
        part["name"] += size(t["name"]) + 8
        part["description"] += size(t.get("description", "")) + 15
        part["inputSchema"] += size(t["inputSchema"]) + 14
        if "title" in t:
            part["title (client only)"] += size(t["title"]) + 9
        if "annotations" in t:
            part["annotations (client only)"] += size(t["annotations"]) + 15
        walk(t["inputSchema"])
        for name, p in t["inputSchema"].get("properties", {}).items():
            key = name + " " + json.dumps(p, separators=(",", ":"), ensure_ascii=False, sort_keys=True)
            shapes[key] += 1
            shape_bytes[key] += size(p) + len(name) + 4
    part["JSON punctuation"] = total - sum(part.values())
    print(f"{len(tools)} tools, {total} bytes")
    for k, v in part.most_common():
        print(f"  {k:28} {v:9} {100 * v / total:5.1f}%")
    print("input schemas by keyword (key and value; nested schemas counted in their own keywords):")
    for k, v in keyword.most_common(12):
        print(f"  {k:28} {v:9} {100 * v / total:5.1f}%")
    print("arguments repeated in most tools (name and listed schema):")
    for k, n in shapes.most_common(10):
        if n < 2:
            break
        print(f"  x{n:<4} {shape_bytes[k]:8}  {k[:110]}")


if __name__ == "__main__":
    main()
