"""Page furniture: lines and paragraphs that belong to the site, not to the article.

Each kind is one pattern, in the languages we take (en, de, fr, es, ru). A line counts as
furniture only when it is short, so an article that talks about cookies or copyright keeps its text.
"""

from __future__ import annotations

import re

# The kinds' patterns are written in lower case and matched against the line lowered once (`_lowered`): Python's re
# searches a long alternation case-insensitively several times slower, on every paragraph of every page.
SHORT_WORDS = 30
SIGN_UP_WORDS = 12  # a sign-up call longer than this opens with the call or names a newsletter
LINK_WORDS = 20  # a related-links block lists headlines: shorter than this
_I = re.IGNORECASE

LOGO = re.compile(r"\blogo\b|\bлоготип\b")
SOCIAL = re.compile(
    r"facebook|instagram|tiktok|twitter|telegram|youtube|whatsapp|linkedin|vkontakte|\bvk\b|pinterest|reddit|\bx\.com\b"
)
SHARE = re.compile(
    r"^(share|teilen|partager|compartir|поделиться|tweet|e-?mail|print|drucken|imprimer|copy link|link kopieren)\b"
    r"|\b(share (this|on)|follow us|folgen sie uns|suivez-nous|síguenos|подписывайтесь)\b",
)
COPYRIGHT = re.compile(
    r"©|\(c\)\s*\d{4}|\bcopyright\b|all rights reserved|alle rechte vorbehalten|tous droits réservés|todos los derechos"
    r"|все права (защищены|сохранены)|re-?publish|written permission|without (the )?(prior )?permission"
    r"|mandatory hyperlink|при (использовании|цитировании) материалов|перепечатка|nachdruck|reproduction (interdite|totale)",
)
COOKIES = re.compile(r"\bcookies?\b|datenschutz(einstellungen|erklärung)|\bconsent\b|файлы cookie|política de privacidad")
ADS = re.compile(r"^(advertisement|advertising|anzeige|werbung|publicité|publicidad|реклама|sponsored|ad)$")
READ_MORE = re.compile(
    r"^(read (more|also|next)|related( articles| stories| news)?|more (on|from|stories)|see also|lesen sie (auch|mehr)"
    r"|mehr zum thema|auch interessant|lire (aussi|la suite)|à lire aussi|sur le même sujet"
    r"|(lee|lea|vea) (también|más)|te puede interesar"
    r"|noticias relacionadas|читайте (также|еще|ещё)|по теме|смотрите также|другие новости|most (read|popular)|trending)\b",
)
NEWSLETTER = re.compile(
    r"newsletter|subscribe|sign up|abonnieren|abonnez-vous|suscríbete|подпишитесь|inscrivez-vous"
    r"|anmelden|sign in|log in|einloggen|ingresar|suscribite|iniciar sesión|se connecter|войти",
)
CONSENT_BUTTON = re.compile(r"accept|akzeptier|accepter|aceptar|принять|agree|zustimm|settings|einstellungen")
TAGS = re.compile(r"^(tags?|topics?|themen|schlagworte|mots-clés|étiquettes|etiquetas|теги|темы|keywords)\s*:")
NAV_WORDS = {
    "home",
    "main page",
    "news",
    "latest news",
    "politics",
    "business",
    "economy",
    "sport",
    "sports",
    "world",
    "menu",
    "search",
    "opinion",
    "culture",
    "society",
    "tech",
    "technology",
    "science",
    "health",
    "video",
    "videos",
    "photos",
    "contact",
    "contact us",
    "about us",
    "about",
    "startseite",
    "nachrichten",
    "politik",
    "wirtschaft",
    "kultur",
    "accueil",
    "actualités",
    "économie",
    "société",
    "inicio",
    "noticias",
    "política",
    "economía",
    "deportes",
    "главная",
    "новости",
    "политика",
    "экономика",
    "общество",
    "спорт",
    "в мире",
    "live",
    "podcasts",
    "weather",
    "regional",
    "international",
    "monde",
    "mundo",
    "welt",
    "lifestyle",
    "more",
    "back to top",
    "top",
}
BYLINE = re.compile(r"^(by|von|par|por|автор:?|text:|texto:)\s+(?P<names>[^\d]{3,120})$", _I)


def words(text: str) -> int:
    return len(text.split())


# trafilatura writes a table row as "| cell | cell |": a row of a table (standings, prices), not a menu.
TABLE_ROW = re.compile(r"^\|.*\|$")
MENU_SEPARATOR = re.compile(r"\s*(?:[|›»>/·]|\s-\s|\s{2,})\s*")
ANY_MENU_SEPARATOR = re.compile(r"[|›»>/·]|\s(?:\s|-\s)")  # MENU_SEPARATOR finds a match exactly when this does
NUMBERING = re.compile(r"^\d+\.\s*")
# A written-out address ("http://amzn.to/2iJFhRj") is one item, not three between slashes.
ADDRESS = re.compile(r"\b(?:https?://|www\.)\S+", _I)


def is_nav(line: str) -> bool:
    """A menu: known section names, or three or more short items between separators."""
    if TABLE_ROW.match(line.strip()):  # a menu laid out in a table is a row whose every filled cell is a menu
        cells = [c.replace("\\|", "|").strip() for c in re.split(r"(?<!\\)\|", line.strip()[1:-1])]
        cells = [c for c in cells if c]
        return bool(cells) and all(is_nav(c) for c in cells)
    line = ADDRESS.sub("address", line)
    if not ANY_MENU_SEPARATOR.search(line):  # one item, as most paragraphs are: the split's scan costs three times more
        item = line.strip(" .›»>|/·-")
        return bool(item) and NUMBERING.sub("", item).lower() in NAV_WORDS
    items = [p.strip(" .›»>|/·-") for p in MENU_SEPARATOR.split(line)]
    items = [i for i in items if i]
    if len(items) >= 3 and not line.endswith((".", "!", "?")) and all(words(i) <= 3 for i in items):
        return True
    return bool(items) and all(NUMBERING.sub("", i).lower() in NAV_WORDS for i in items)


SKIP_LINK = re.compile(
    r"^(skip to (main )?content|zum inhalt springen|direkt zum inhalt|aller au contenu|ir al contenido|saltar al contenido"
    r"|перейти к (основному )?содержанию)$",
)
SHORT_SHARE = re.compile(r"\b(share|teilen|partager|compart\w*|поделит\w*)\b")


def _asks_to_sign_up(text: str) -> bool:
    """A call to subscribe or log in: short, or opening with the call, or naming a newsletter. A reported
    sentence that uses the words ("the company continued to sign up subscribers, Mayer said") is text."""
    found = NEWSLETTER.search(text)
    if not found:
        return False
    return words(text) <= SIGN_UP_WORDS or words(text[: found.start()]) <= 2 or "newsletter" in text.lower()


def _lowered(text: str) -> str:
    """Lower case one character for one, as a case-insensitive pattern compares them (str.lower() turns only 'İ'
    into two characters)."""
    return text.replace("\u0130", "i").lower()


def furniture_kind(line: str) -> str | None:
    """What kind of furniture a line or paragraph is, or None when it may be article text."""
    text = line.strip()
    if not text:
        return None
    n = words(text)
    low = _lowered(text)
    if n <= 6 and LOGO.search(low):
        return "logo"
    if ADS.match(low):
        return "ad"
    if SKIP_LINK.match(low):
        return "nav"
    if n <= 4 and SHORT_SHARE.search(low):
        return "social"
    if is_nav(text):
        return "nav"
    if n <= SHORT_WORDS * 2 and COPYRIGHT.search(low):
        return "copyright"
    if n <= SHORT_WORDS:
        if len(SOCIAL.findall(low)) >= 2 or (SOCIAL.search(low) and n <= 4) or SHARE.search(low):
            return "social"
        if READ_MORE.match(low) or TAGS.match(low):
            return "related"
        if _asks_to_sign_up(low):
            return "newsletter"
    if n <= SHORT_WORDS * 2 and COOKIES.search(low) and CONSENT_BUTTON.search(low):
        return "cookies"
    return None


def strip_furniture(paragraphs: list[str]) -> tuple[list[str], list[str]]:
    """(article paragraphs, dropped kinds). A related-links or copyright block ends the article."""
    kept: list[str] = []
    dropped: list[str] = []
    for index, paragraph in enumerate(paragraphs):
        kind = furniture_kind(paragraph)
        if kind is None:
            kept.append(paragraph)
            continue
        dropped.append(kind)
        ends_article = kind == "copyright" or (kind == "related" and words(paragraph) <= 4)
        only_links_follow = all(words(p) < LINK_WORDS for p in paragraphs[index + 1 :])
        if ends_article and kept and (index >= len(paragraphs) * 0.5 or only_links_follow):
            break
    return kept, dropped
