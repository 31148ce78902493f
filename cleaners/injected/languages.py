"""The language of a text (langdetect, without the region) and the function words per language
that a language outlier must use."""
from __future__ import annotations

import re

from ..language import detect

# Function words per language. langdetect is confidently wrong on short English headlines
# ("Poker Sites Reach Settlement" -> de), so a language outlier must also use the other
# language's function words, not the page's.
_STOPWORDS = {lang: frozenset(words.split()) for lang, words in {
    "en": "the a an and or of to in on at for with by from is are was were be been it this that who which not but "
          "you your we our they their has have had will would can could should than then",
    "de": "der die das und oder ist sind war ein eine einer nicht mit von zu den dem des im auf für sich auch wie "
          "als bei nach aus noch nur wir sie ihr ihre jetzt hier",
    "es": "el la los las un una y o de del en con por para es son que se no su al lo como más pero muy aquí",
    "fr": "le la les un une et ou de du des est sont qui dans pour pas sur au avec ce il elle ils nous vous",
    "pt": "o os as um uma e do da dos das em no na com por para não que se é são",
    "it": "il lo la gli le un una e di da in con su per che non è sono del della",
    "nl": "de het een en van ik te dat die in is niet met voor op zijn er aan",
    "id": "dan atau yang di ke dari ini itu untuk dengan adalah tidak akan pada juga dalam oleh anda kami",
    "tr": "ve bir bu da de ile için olan gibi daha çok ama ne ki en iyi burada",
    "vi": "và của là có không được trong cho với những một các này người khi đã tại đây",
}.items()}
_WORD = re.compile(r"[^\W\d_]+")


def _detect(text: str) -> tuple[str | None, float]:
    lang, prob = detect(text)
    return (lang.split("-")[0] if lang else None), prob
