"""Build the name lexicon shipped in rules/lexicons/ from DVV's open name statistics.

Source: Digital and Population Data Services Agency (Digi- ja väestötietovirasto, DVV), "Väestötietojärjestelmän
suomalaisten nimiaineistot", CC BY 4.0 (copies in ../shared/data/dvv-names/). Run from the repository root:

    python scripts/build_name_lexicon.py ../shared/data/dvv-names

Writes rules/lexicons/names.tsv (name, kind, holders) and rules/lexicons/name_ambiguous.txt (names that are also
Finnish words, months, brands, municipalities, regions, districts or countries: they count for less). Only names
borne by at least 10 people are kept; pdscan also counts names of fewer than 100 holders and one- or two-letter
names as weak (pdscan/detect/names.py), so codes such as M, PA or Jun carry nothing alone.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

MIN_HOLDERS = 10
OUT = Path(__file__).resolve().parent.parent / "rules" / "lexicons"

# Common Swedish-speaking Finnish, Nordic and international names that DVV's Finnish lists under-represent.
INTERNATIONAL_FIRST = """
aaron abdi abdullah abdul adam adrian ahmed ali alice amanda amir andreas andrew angela anna anne annika anton
astrid ayaan barbara ben benjamin bengt bertil birgitta björn bo carl carina caroline charles charlotte chris
christian christina christopher claes daniel david dmitri ebba elena elias elin elisabeth elizabeth emil emily emma
erik eva fatima filip fredrik george göran gunilla gustav hannah hans hassan henrik hussein ibrahim ida igor ingrid
irina isak jakob james jan jennifer jessica johan johanna john jonas jonathan josef julia karin karl katarina kevin
kristian lars laura lena linda linnea lisa magnus malin maria mark marcus martin mary matilda mats max michael
mikael mohamed mohammad mohammed muhammad natalia nils nina olga olof omar oscar patrik paul per peter petra rebecca
richard robert sara sarah sebastian sergei simon sofia sophie stefan stina susanne sven thomas tobias tom ulf ulrika
vera viktor william yusuf zainab
"""
INTERNATIONAL_LAST = """
ahmed ali andersson berg brown eriksson fernandez garcia gustafsson hansson hassan hussein ivanov jansson johansson
johnson jones karlsson larsson lindberg lindholm lindqvist lindström lundqvist martin miller mohamed mohammed müller
nilsson nordström olsson persson petrov pettersson rodriguez schmidt sjöberg smith smirnov svensson taylor williams
wilson
"""
# Finnish words that are also names (nature words, abstract nouns): as a lone token they are weak evidence.
WORDS = """
aalto aamu aho ahde armas aura halla hanki harju heinä helmi hilla ilma ilona ilta into joki järvi kaino kallio kangas
kari kataja kaste kielo kirsi kivi koivu kokko koski kotka kukka kurki kuusi laakso lahti laine lampi lehto lempi lilja
linna lumi lähde marja meri mäki mänty niemi nurmi oja onni orvokki paju pelto pihlaja pilvi rae raita ranta rauha rinne
ruusu saari sade salo satu sini sisko sulo suvi säde taimi talvi toivo tuuli tähti urho usko usva valo veli vesa virta
vuori aarre ahti ainoa elo halme hovi huhta järvinen kaisla koivisto kumpu leppä louhi luoto nuppu oras paasi
pakkanen pouta rahko riikka saima sampo sarja savu seppä soini sorsa tarmo tenho toive tuomi uljas unelma usvi
valto vilja viljo virpi
"""

# Places that are also surnames or first names: regions (maakunnat), historical provinces, Helsinki, Espoo and
# Vantaa districts, Swedish names of municipalities, countries in Finnish, and words (months, weekdays, brands).
PLACES = """
uusimaa varsinais-suomi satakunta kanta-häme pirkanmaa päijät-häme kymenlaakso etelä-karjala etelä-savo pohjois-savo
pohjois-karjala keski-suomi etelä-pohjanmaa pohjanmaa keski-pohjanmaa pohjois-pohjanmaa kainuu lappi ahvenanmaa
häme savo karjala pohjanmaa suomi lappi kainuu satakunta
kamppi kallio töölö punavuori eira ullanlinna kruununhaka katajanokka hakaniemi sörnäinen vallila pasila käpylä
oulunkylä malmi kontula vuosaari myllypuro herttoniemi kulosaari lauttasaari munkkiniemi pitäjänmäki haaga
kannelmäki pakila tapiola otaniemi leppävaara matinkylä kivenlahti tikkurila myyrmäki hakunila korso martinlaakso
vanda esbo åbo helsingfors grankulla kyrkslätt lovisa borgå ekenäs raseborg hangö jakobstad nykarleby vasa karleby
kristinestad närpes tavastehus tammerfors uleåborg villmanstrand nyslott kotka fredrikshamn björneborg nystad
saksa ruotsi norja tanska viro venäjä ranska espanja italia puola unkari kreikka turkki kiina japani intia
brasilia kanada meksiko egypti kenia ghana irlanti islanti itävalta sveitsi belgia hollanti portugali latvia liettua
"""
WORDS_MORE = """
tammikuu helmikuu maaliskuu huhtikuu toukokuu kesäkuu heinäkuu elokuu syyskuu lokakuu marraskuu joulukuu
maanantai tiistai keskiviikko torstai perjantai lauantai sunnuntai
january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday
jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun
tesla neste lager line kone valio fazer nokia elisa telia alko atria finnair stockmann
"""


def read_counts(path: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, delimiter=";")
        next(reader)
        for row in reader:
            if len(row) >= 2 and row[0].strip():
                digits = "".join(ch for ch in row[1] if ch.isdigit())
                if digits:
                    name = row[0].strip().lower()
                    counts[name] = counts.get(name, 0) + int(digits)
    return counts


def main(source: Path) -> None:
    first: dict[str, int] = {}
    for name in (
        "etunimitilasto-miehet-ensimmainen.csv",
        "etunimitilasto-naiset-ensimmainen.csv",
        "etunimitilasto-miehet-muut.csv",
        "etunimitilasto-naiset-muut.csv",
    ):
        for key, value in read_counts(source / name).items():
            first[key] = first.get(key, 0) + value
    last = read_counts(source / "sukunimitilasto.csv")
    rows = [(n, "first", c) for n, c in first.items() if c >= MIN_HOLDERS]
    rows += [(n, "last", c) for n, c in last.items() if c >= MIN_HOLDERS]
    known = {(n, k) for n, k, _ in rows}
    rows += [(n, "first", 0) for n in INTERNATIONAL_FIRST.split() if (n, "first") not in known]
    rows += [(n, "last", 0) for n in INTERNATIONAL_LAST.split() if (n, "last") not in known]
    rows.sort(key=lambda r: (r[1], -r[2], r[0]))
    OUT.mkdir(parents=True, exist_ok=True)
    with (OUT / "names.tsv").open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("# Derived from DVV name statistics (CC BY 4.0), see rules/lexicons/README.md. name\tkind\tholders\n")
        for name, kind, count in rows:
            fh.write(f"{name}\t{kind}\t{count}\n")
    from faker.providers.address.fi_FI import Provider  # municipalities of Finland, as Faker lists them

    places = {c.lower() for c in Provider.cities}
    ambiguous = sorted(set(WORDS.split()) | set(WORDS_MORE.split()) | set(PLACES.split()) | places)
    (OUT / "name_ambiguous.txt").write_text(
        "# Names that are also Finnish words, months, brands or places: weak evidence on their own.\n"
        + "\n".join(ambiguous)
        + "\n",
        encoding="utf-8",
    )
    print(f"{len(rows)} names, {len(ambiguous)} ambiguous words and places -> {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/dvv-names"))
