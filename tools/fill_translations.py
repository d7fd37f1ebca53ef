"""Fill unfinished messages of a Qt .ts file from a JSON map {source: translation}.

    python tools/fill_translations.py resources/i18n/motcua_en.ts new.json

Keeps everything else of the file as lupdate wrote it; prints the sources still unfinished.
"""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def main(ts_path: str, map_path: str) -> int:
    mapping = json.loads(Path(map_path).read_text(encoding="utf-8"))
    tree = ET.parse(ts_path)
    left = []
    for message in tree.iter("message"):
        source = message.findtext("source") or ""
        tr = message.find("translation")
        if tr is None or tr.get("type") != "unfinished":
            continue
        if source in mapping:
            tr.text = mapping[source]
            del tr.attrib["type"]
        else:
            left.append(source)
    body = ET.tostring(tree.getroot(), encoding="unicode")
    Path(ts_path).write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", encoding="utf-8"
    )
    for source in left:
        print(f"unfinished: {source}")
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
