"""Page chrome that survives text extraction: comment forms, comment counts, closed-comment
notices, share bars, download prompts, category footers.

Every pattern must match a whole line: an article that quotes "Leave a Reply" inside a
sentence keeps that sentence.
"""
from __future__ import annotations

import re
from functools import lru_cache
from re import _constants as _sre, _parser as _sre_parse  # the first characters of the chrome patterns

from .caching import cache_short
from .dates import MONTH_NAMES
from .document import Draft
from .normalize import collapse_spaces

STEP = "boilerplate"

_NUM = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|no|ein|eine|zwei|drei|un|una|uno|dos|tres|satu|dua|bir|iki)"
_QUOTED = r"[“\"'‘«„]?.{1,200}?[”\"'’»“]?"


def _rx(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"(?:" + "|".join(alternatives) + r")", re.IGNORECASE)


# Alternatives below that scan the whole line, most of the time of a line that is no chrome (see
# _SCANNING): the Turkish count line ("“Başlık” için 3 yorum"), a rights notice anywhere in the line,
# the title of the next post ("Newer title »").
_COUNT_IN_TURKISH = rf"{_QUOTED} (?:için|hakkında) {_NUM} (?:yorum|yanıt|cevap)"
_ALL_RIGHTS_RESERVED = r".{0,120}\ball rights reserved\b.{0,120}"
_NEIGHBOUR_TITLE = r"(?:[^«».!?\s]+ ){0,7}[^«».!?\s]+\s*(?:»|›)"

# reason -> alternatives, each matched against a whole line (whitespace collapsed).
_CHROME_ALTERNATIVES: dict[str, tuple[str, ...]] = {
    "chrome:comment_form": (
        r"leave a (?:reply|comment|response)(?: to .{1,120})?\s*(?:cancel reply)?",
        r"(?:post|add|write|submit) (?:a|your|new) comment:?",
        r"your email address will not be published\.?(?: required fields are marked \*?)?",
        r"(?:your )?e-?mail (?:address )?(?:will not|won't) be (?:published|displayed|shared)\.?.{0,80}",
        r"required fields are marked \*?\.?",
        r"you must be (?:logged in|registered) to post a comment\.?",
        r"notify me of (?:follow-up comments|new posts|new comments).{0,80}",
        r"save my name, email, and website in this browser.{0,80}",
        r"(?:name|email|e-mail|website|comment)\s*\*?(?:\s*\(required\))?:?",
        r"post comment", r"submit comment", r"subscribe to:? post comments \(atom\)",
        r"(?:blog )?comments powered by(?: disqus)?\.?", r"please enable javascript to view the comments.{0,80}",
        # German, Spanish, French, Portuguese, Indonesian, Turkish, Vietnamese WordPress/Blogger strings
        r"schreibe(?:n sie)? einen kommentar\.?(?: antworten abbrechen)?",
        r"(?:deine|ihre) e-mail-adresse wird nicht veröffentlicht\.?.{0,80}",
        r"erforderliche felder sind mit \* markiert\.?",
        r"deja un comentario|deja una respuesta(?: cancelar la respuesta)?|publicar un comentario",
        r"tu (?:dirección de )?correo electrónico no será publicad[oa]\.?.{0,80}",
        r"los campos obligatorios están marcados con \*?\.?",
        r"laisser un commentaire(?: annuler la réponse)?|laisser une réponse(?: annuler la réponse)?",
        r"votre adresse (?:e-mail|de messagerie) ne sera pas publiée\.?.{0,80}",
        r"les champs obligatoires sont indiqués avec \*?\.?",
        r"deixe (?:um comentário|uma resposta)(?: cancelar resposta)?",
        r"o seu endereço de e-?mail não será publicado\.?.{0,80}",
        # Italian, Dutch, Russian, German form titles
        r"lascia un commento(?: annulla risposta)?|lascia una risposta(?: annulla risposta)?",
        r"il tuo indirizzo (?:e-?mail )?non sarà pubblicato\.?.{0,80}",
        r"(?:geef een reactie|laat een reactie achter)(?: reactie annuleren)?",
        r"je e-?mailadres wordt niet gepubliceerd\.?.{0,80}",
        r"(?:добавить|оставить|оставьте) комментарий(?: отменить ответ)?|отменить ответ",
        r"ваш (?:адрес )?e-?mail не будет опубликован\.?.{0,80}",
        r"kommentar verfassen|antworten abbrechen|cancelar resposta|annuler la réponse|annulla risposta",
        r"tinggalkan (?:balasan|komentar)(?: batalkan balasan)?",
        r"alamat email anda tidak akan dipublikasikan\.?.{0,80}",
        r"ruas yang wajib ditandai \*?\.?",
        r"bir yanıt yazın(?: yanıtı iptal et)?|yorum yap(?:ın)?",
        r"e-posta (?:adresiniz|hesabınız) yayımlanmayacak\.?.{0,80}",
        r"gerekli alanlar \* ile işaretlenmişlerdir\.?",
        r"để lại (?:một )?(?:bình luận|phản hồi)(?: hủy trả lời)?",
        r"email của bạn sẽ không được hiển thị công khai\.?.{0,80}",
    ),
    # Buttons under each comment: inside a thread, not its end.
    "chrome:comment_action": (
        r"cancel reply", r"reply(?:delete)?", r"delete", r"(?:log|sign) in to reply\.?", r"reply ↓", r"report(?: abuse)?",
        r"antworten", r"responder", r"répondre", r"balas", r"yanıtla", r"trả lời", r"responder",
    ),
    "chrome:comment_count": (
        rf"{_NUM} (?:responses?|comments?|replies|repl(?:y|ies)|thoughts?|trackbacks?|pingbacks?)(?: (?:to|on|for|about) {_QUOTED})?:?",
        r"(?:comments?|responses?|replies) \(\d+\)",
        rf"{_NUM} (?:kommentare?|antworten?|gedanken|comentarios?|respuestas?|commentaires?|réponses?|réflexions?|"
        rf"comentários?|respostas?|commenti|risposte|reacties|reactie|комментари(?:й|я|ев)|ответ(?:а|ов)?|komentar|"
        rf"tanggapan|yorum|bình luận)(?: (?:zu|auf|a|en|para|sobre|sur|à|su|op|к записи|на|untuk|pada|em) {_QUOTED})?:?",
        _COUNT_IN_TURKISH,
        r"no comments(?: yet)?[:.]?",
        # the section's bare heading (over an empty JavaScript widget it is all the section says)
        r"(?:reader )?comments?|kommentare|commentaires|comentarios|comentários|commenti|reacties|komentar|yorumlar"
        r"|bình luận|комментарии|コメント|member discussion|join the discussion",
        r"(?:be the first to comment|there are no comments yet)\.?",
    ),
    "chrome:comments_closed": (
        r"comments are closed(?: for this (?:post|article|entry))?\.?",
        r"(?:both )?comments and (?:trackbacks|pings) are (?:currently )?closed\.?",
        r"(?:the )?comments? (?:section )?(?:is|are|has been) (?:now )?closed\.?",
        r"kommentare sind geschlossen\.?|die kommentarfunktion ist geschlossen\.?",
        r"los comentarios están cerrados\.?|comentarios cerrados\.?",
        r"les commentaires sont fermés\.?",
        r"komentar ditutup\.?|yorumlar kapatıldı\.?|yorumlar kapalı\.?",
    ),
    "chrome:share": (
        r"share (?:this|on|via)(?: \w+)?:?", r"(?:like|share|tweet|email|print|pin|pocket|whatsapp|telegram) this:?",
        r"(?:tweet|share|like|print|email|e-mail|whatsapp|linkedin|facebook|twitter|reddit|pinterest|telegram)",
        r"like loading\.{0,3}", r"related(?: posts| articles| stories)?:?", r"you (?:may|might) also like:?",
        r"click to share on \w+(?: \(opens in new window\))?", r"follow us(?: on .{1,40})?!?", r"connect with us(?: on .{1,40})?",
        r"(?:teilen(?: mit)?|compartir(?: en)?(?: \w+)?|partager(?: sur)?|compartilhe(?: isso)?|condividi(?: questo)?|"
        r"delen|поделиться|bagikan|paylaş|chia sẻ)\s*:?",
        # Jetpack's "Like Loading…" and Blogger's share row, in the languages above
        r"(?:gefällt mir wird geladen|j'aime chargement|me gusta cargando|curtir carregando|mi piace caricamento|"
        r"vind ik leuk laden|нравится загрузка|suka memuat)\s*(?:\.{0,3}|…)",
        r"(?:email this\s*)?blogthis!.{0,160}", r"share to (?:twitter|x|facebook|pinterest)(?:\s*share to \w+)*",
        # "Related posts" headings
        r"ähnliche beiträge|verwandte beiträge|articles similaires|articles liés|entradas relacionadas|"
        r"publicaciones relacionadas|artículos relacionados|relacionad[oa]s?|posts relacionados|artigos relacionados|"
        r"articoli correlati|post correlati|gerelateerd|gerelateerde berichten|похожие записи|похожие статьи|"
        r"artikel terkait|pos terkait|ilgili yazılar|bài viết liên quan",
    ),
    # cookie and consent banners, captured above or below the article
    "chrome:cookie": (
        r"(?:we use cookies|we and our partners use cookies|this (?:web)?site uses cookies|our (?:web)?site uses cookies|"
        r"by (?:continuing to )?(?:use|using|browse|browsing) (?:this|our) (?:web)?site,? you (?:agree|accept|consent)|"
        r"diese (?:web)?seite verwendet cookies|diese website verwendet cookies|wir verwenden cookies|"
        r"ce site utilise des cookies|nous utilisons des cookies|"
        r"este sitio(?: web)? utiliza cookies|utilizamos cookies|este site utiliza cookies|usamos cookies|"
        r"questo sito utilizza (?:i )?cookie|situs ini menggunakan cookie|bu (?:web )?site(?:miz)? çerez)\b"
        # ... and says what a banner says (an article's "we use cookies sparingly, the minister said" is no banner)
        r"(?=.{0,400}?(?:experience|consent|accept|agree|privacy|policy|learn more|more info|settings|personali[sz]|"
        r"analy[sz]|advertis|erfahrung|zustimm|akzept|datenschutz|expérience|confidentialité|experiencia|acept|"
        r"consentimiento|privacidad|esperienza|accett|pengalaman|setuju|deneyim|kabul|ok\b)).{0,400}",
        # the banner's buttons, alone or in a row
        r"(?:(?:accept|allow|reject|decline) (?:all )?cookies|cookie (?:settings|preferences|policy)|manage cookies|"
        r"accept(?: all)?|reject all|got it!?|i agree|(?:alle )?cookies akzeptieren|accepter (?:les |tous les )?cookies|"
        r"aceptar (?:todas las )?cookies|akzeptieren|accepter|aceptar|aceitar|accetta)"
        r"(?:\s+(?:accept(?: all)?|reject(?: all)?|ok|got it!?|akzeptieren|accepter|aceptar))*",
    ),
    "chrome:newsletter": (
        r"(?:sign[- ]?up|subscribe|register)(?: (?:now|today|here))?(?: (?:to|for))? (?:(?:our|the|my) )?"
        r"(?:free )?(?:newsletter|e-?mail updates|updates|mailing list|daily digest)\b.{0,60}",
        r"subscribe to [^.!?]{1,60} by e-?mail",
        r"get (?:(?:our|the) )?(?:free )?(?:(?:e-?mail )?newsletter|e-?mail updates|updates)(?: \(it's free\))?.{0,40}",
    ),
    "chrome:copyright": (
        r"\|?\s*(?:©|\(c\)).{0,240}",  # starts with the sign
        r"\|?\s*copyright\s*(?:©|\(c\))?\s*\d{4}.{0,240}",  # the word, then a year
        _ALL_RIGHTS_RESERVED,
        r"(?:proudly )?powered by [\w .-]{1,40}",
    ),
    "chrome:related_link": (
        r"(?:related|related (?:post|posts|article|articles|story|stories|reading)|see also|read also|also read|"
        r"read more|recommended|you might also like|verwandte artikel|lesen sie auch|leer también|baca juga|"
        r"ayrıca bakınız|xem thêm)\s*:\s*.{1,150}",
    ),
    "chrome:download_prompt": (
        r"(?:please )?(?:select|choose|pick|click)(?: (?:a|the|your))? (?:\w+ ){0,3}to download\b.{0,40}",
        r"(?:click )?(?:here )?to download(?: the)? (?:pdf|file|digest|issue|report|ebook)\.?:?",
        r"download (?:the )?(?:pdf|file|digest|issue|ebook)(?: here)?\.?:?",
    ),
    # Photo galleries: counters and buttons between the paragraphs (credit lines stay: attribution).
    "chrome:gallery": (
        r"(?:image|photo|picture|slide|foto|bild)s? \d+ (?:of|/|von|de|sur) \d+", r"\d+ ?(?:of|/) ?/?\d+",
        r"(?:caption|close|enlarge|expand|hide caption|toggle caption|view gallery|open gallery|advertisement|ad)",
    ),
    # A label left alone on its line once the list it named was removed or turned into metadata.
    "chrome:label": (
        r"(?:tags|tagged|categories|category|categorias|categoria|kategorien|etiquetas|filed under|topics|share|"
        r"updated|advertisement|anzeige|publicidad|publicité|posted in|blog archive|archives?|search|home|"
        r"rss feed|subscribe to|subscribe|register now|sign in|log in|login|main)\s*:?",
        r"(?:post comments|posts|comments) \(atom\)", r"add (?:a |your )?comment", r"view all posts (?:by|in) .{1,60}",
        # Disqus as text: its sort menu, its paging, its "Also on SITE" box, its footer
        r"sort by (?:best|newest|oldest|top|votes)", r"load more comments", r"show more replies",
        r"also on (?-i:[A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,4})", r"do not sell my (?:personal )?(?:data|information)",
        r"(?:enlarge|view) (?:photo|image|picture)s?",
    ),
    "chrome:navigation": (
        r"(?:«|←|<)?\s*(?:previous|older|newer|next) (?:post|entry|article)s?\s*(?:»|→|>)?(?::.{1,150})?",
        r"newer posts?\s*older posts?(?:\s*home)?",  # Blogger's row on one line
        # the same in German, French, Spanish, Portuguese, Italian, Dutch, Russian, Indonesian (Blogger, WordPress)
        r"(?:«|←|<)?\s*(?:vorheriger beitrag|nächster beitrag|neuerer post|älterer post|startseite|article précédent|"
        r"article suivant|entrada anterior|entrada siguiente|siguiente entrada|entrada más reciente|entrada antigua|"
        r"página principal|postagem mais recente|postagem mais antiga|página inicial|post precedente|post successivo|"
        r"articolo precedente|articolo successivo|vorig bericht|volgend bericht|vorige bericht|предыдущая запись|"
        r"следующая запись|pos sebelumnya|pos berikutnya|artikel sebelumnya|artikel selanjutnya)\s*(?:»|→|>)?(?::.{1,150})?",
        r"(?:read more|continue reading|weiterlesen|leer más|lire la suite|baca selengkapnya|devamını oku)\s*(?:»|…|\.\.\.|→)?",
        r"skip to (?:main )?content|back to (?:the )?top|top of page|home » .{1,100}",
        r"(?:read on|full story|more|see more|view more)\s*(?:»|>>|>|…|→)", r"(?:read|view) (?:the )?full (?:story|article)",
        r"contact us|privacy policy|privacy|terms of (?:use|service)|terms and conditions|site ?map|about us|"
        r"send (?:it|this) to a friend|e-?mail this(?: (?:page|article|story))?|print this(?: (?:page|article|story))?|"
        r"printer[- ]friendly(?: version)?",
        # the neighbouring posts: "« Older title", "Newer title »" (not a «quotation» in French)
        r"(?:«|‹)\s*[^«».!?]{1,120}", _NEIGHBOUR_TITLE,
    ),
}
CHROME_LINES: dict[str, re.Pattern[str]] = {reason: _rx(*alternatives) for reason, alternatives in _CHROME_ALTERNATIVES.items()}
assert all(isinstance(alternatives, tuple) for alternatives in _CHROME_ALTERNATIVES.values())

# Menu separators around a chrome line: "About us |", "| Contact"
_EDGE_SEPARATORS = " |·•-–—"

# "This entry was posted in X and tagged Y. Bookmark the permalink." (WordPress Twenty Ten/Eleven)
_CATEGORY_FOOTER = re.compile(
    r"this (?:entry|post) was posted in (?P<cats>.+?)(?: and tagged (?P<tags>.+?))?"
    r"(?: on .{1,60}?)?(?: by .{1,60}?)?\.? (?:bookmark the permalink|bookmark the)\.?(?: .{0,80})?",
    re.IGNORECASE,
)
_POSTED_IN = re.compile(
    r"(?:posted|filed) (?:in|under):? (?P<cats>.+?)(?:\s*[|·•]\s*tag(?:ged|s):? (?P<tags>.+?))?"
    r"(?:\s*[|·•]\s*(?:\d+ comments?|leave a comment|no comments|comments? off).*)?",
    re.IGNORECASE,
)
# Kubrick and its many descendants: "This entry was posted on DATE at TIME and is filed under X. You can follow …"
_FILED_UNDER = re.compile(
    r"this (?:entry|post) was posted (?:on|in) .{1,100}? and is filed under (?P<cats>[^.]{1,200})\.?(?: (?:you can|both comments|responses|comments are) .{0,300})?",
    re.IGNORECASE,
)
# longest label first ("Tagged With:" is not the tag "With: a"); Blogger's "Labels:"
_TAGGED = re.compile(r"(?:(?:tagged with|tagged|tags|etiketler|schlagwörter|schlagworte|etiquetas|étiquettes)\s*:?|"
                     r"(?:labels|tag)\s*:)\s+(?P<tags>.{1,300}?)\.?", re.IGNORECASE)
_CATEGORIES = re.compile(
    r"(?:categories|category|filed under|posted in|kategorien|kategorie|categorías|categoría|catégories|catégorie|kategori)"
    r"\s*:\s*(?P<cats>.{1,300}?)\.?",
    re.IGNORECASE,
)
# What each match of the five footer patterns opens with (a literal start of each of their
# alternatives, case ignored as they ignore it): one match() spares most lines five fullmatches.
_FOOTER_OPENING = re.compile(r"this |posted |filed |tag|etiket|schlagw|etiquetas|étiquettes|labels|categor|kategor|catégor",
                             re.IGNORECASE)
_FOOTER_PATTERNS = (_CATEGORY_FOOTER, _POSTED_IN, _FILED_UNDER, _TAGGED, _CATEGORIES)
_MAX_TERM_WORDS = 6  # a tag is a few words; a longer item means the line is a sentence
_LIST_SPLIT = re.compile(r"\s*[,;|]\s*")  # not "and": "Arts and Culture" is one category


# A call to subscribe, however worded: an action, a list, and what it brings.
_NEWSLETTER_CALL = [re.compile(p, re.IGNORECASE) for p in (
    r"\b(?:sign[- ]?up|subscribe|join|register)\b", r"\b(?:newsletters?|mailing list)\b",
    r"\b(?:inbox|e-?mail|free|daily|weekly|today)\b")]


# CHROME_LINES as one pattern, a named branch per reason in order: fullmatch gives the first
# reason whose pattern matches the whole line, as trying them one by one does, in one call.
# The alternatives that scan the whole line are left out of it: each is tried after it, in the
# order of its reason, and only on a line that holds one of its pieces. Every match of the
# alternative holds one of them, as str.lower() writes it: the characters the pattern takes for a
# letter of a piece, case ignored, lower to that letter (tests; not so for "i" and "s", which the
# pieces leave out: "ı" and "ſ"). A line of 200 characters that is no chrome: 15 -> 6 us.
_SCANNING: dict[str, tuple[str, ...]] = {
    _COUNT_IN_TURKISH: ("ç", "hakk"),  # " için " or " hakkında "
    _ALL_RIGHTS_RESERVED: ("rved",),
    _NEIGHBOUR_TITLE: ("»", "›"),
}
_FLAGS = re.IGNORECASE
_CHROME_REASONS = {f"r{i}": reason for i, reason in enumerate(CHROME_LINES)}
_CHROME_ORDER = {f"r{i}": i for i in range(len(CHROME_LINES))}
_CHROME_LINE = re.compile("|".join(f"(?P<r{i}>" + "|".join(a for a in alternatives if a not in _SCANNING) + ")"
                                   for i, alternatives in enumerate(_CHROME_ALTERNATIVES.values())), _FLAGS)
# (order of the reason, reason, pattern, pieces), in order
_SCANNERS = [(i, reason, re.compile(a, _FLAGS), _SCANNING[a])
             for i, (reason, alternatives) in enumerate(_CHROME_ALTERNATIVES.items()) for a in alternatives if a in _SCANNING]
assert all(p.flags == _CHROME_LINE.flags and not p.groups for p in CHROME_LINES.values())
assert len(_SCANNERS) == len(_SCANNING)  # and each reason keeps an alternative in _CHROME_LINE:
assert all(set(alternatives) - set(_SCANNING) for alternatives in _CHROME_ALTERNATIVES.values())


# _CHROME_LINE tries its alternatives one after the other (re skips none of them on its first
# character when case is ignored): 4.7 us for a line of prose. A line can only match those whose
# matches may start with its first character; tried in their order, the first that matches is
# the one _CHROME_LINE finds. What each may start with is read from re's parse of it, as a pattern
# with the same flags (so re says which characters it takes for a letter, case ignored); an
# alternative whose start the reading does not follow (any character, a flag changed inside)
# is kept for every line.
_CATEGORY_TEXT = {_sre.CATEGORY_DIGIT: r"\d", _sre.CATEGORY_NOT_DIGIT: r"\D", _sre.CATEGORY_SPACE: r"\s",
               _sre.CATEGORY_NOT_SPACE: r"\S", _sre.CATEGORY_WORD: r"\w", _sre.CATEGORY_NOT_WORD: r"\W"}


def _class_text(items: list) -> str | None:
    """A parsed character class as pattern text, or None when it holds what this does not write."""
    negated = bool(items) and items[0][0] is _sre.NEGATE
    parts = []
    for op, av in items[1:] if negated else items:
        if op is _sre.LITERAL:
            parts.append(re.escape(chr(av)))
        elif op is _sre.RANGE:
            parts.append(re.escape(chr(av[0])) + "-" + re.escape(chr(av[1])))
        elif op is _sre.CATEGORY and av in _CATEGORY_TEXT:
            parts.append(_CATEGORY_TEXT[av])
        else:
            return None
    return ("[^" if negated else "[") + "".join(parts) + "]"


def _first_pieces(items) -> tuple[set[str] | None, bool]:
    """Pattern pieces of which one matches the first character of every match of the parsed
    sequence `items` (None: any character), and whether the sequence can match nothing.
    Assertions take no character: they are passed over (the pieces may take more, never fewer)."""
    pieces: set[str] = set()
    for op, av in items:
        if op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
            continue
        if op is _sre.LITERAL:
            return pieces | {re.escape(chr(av))}, False
        if op is _sre.IN:
            text = _class_text(av)
            return (None, False) if text is None else (pieces | {text}, False)
        if op is _sre.BRANCH:
            inner = [_first_pieces(alternative) for alternative in av[1]]
            nullable = any(n for _, n in inner)
        elif op is _sre.SUBPATTERN and not av[1] and not av[2]:  # no flag added or removed
            inner = [_first_pieces(av[3])]
            nullable = inner[0][1]
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
            inner = [_first_pieces(av[2])]
            nullable = av[0] == 0 or inner[0][1]
        else:
            return None, False  # any character, a backreference, a flag changed inside, ...
        if any(p is None for p, _ in inner):
            return None, False
        pieces = pieces.union(*(p for p, _ in inner))
        if not nullable:
            return pieces, False
    return pieces, True


def _first_character(alternative: str) -> re.Pattern[str] | None:
    """A pattern that fullmatches each character a match of `alternative` can start with (and maybe
    more), or None: any (or the alternative can match nothing)."""
    pieces, nullable = _first_pieces(_sre_parse.parse(alternative, _FLAGS))
    return None if pieces is None or nullable else re.compile("(?:" + "|".join(sorted(pieces)) + ")", _FLAGS)


# (order of the reason, alternative, the first characters of its matches), in _CHROME_LINE's order
_LINE_ALTERNATIVES = [(i, a, _first_character(a)) for i, alternatives in enumerate(_CHROME_ALTERNATIVES.values())
                      for a in alternatives if a not in _SCANNING]


@lru_cache(maxsize=4096)
def _chrome_line_starting(first: str) -> re.Pattern[str]:
    """_CHROME_LINE with only the alternatives a match of which can start with `first`."""
    return _chrome_line_of(tuple(k for k, (_, _, start) in enumerate(_LINE_ALTERNATIVES)
                                 if start is None or start.fullmatch(first)))


@lru_cache(maxsize=1024)
def _chrome_line_of(kept: tuple[int, ...]) -> re.Pattern[str]:
    """_CHROME_LINE of the alternatives numbered `kept` (in _LINE_ALTERNATIVES): the same named
    branch per reason, those with none left out."""
    groups: dict[int, list[str]] = {}
    for k in kept:
        order, alternative, _ = _LINE_ALTERNATIVES[k]
        groups.setdefault(order, []).append(alternative)
    return re.compile("|".join(f"(?P<r{i}>" + "|".join(alternatives) + ")" for i, alternatives in groups.items())
                      or "(?!)", _FLAGS)


def _chrome_line_match(text: str) -> re.Match[str] | None:
    """_CHROME_LINE.fullmatch(text), trying only the alternatives that can start with text[0]."""
    return _chrome_line_starting(text[0]).fullmatch(text) if text else _CHROME_LINE.fullmatch(text)


# "newsletter" or "mailing list", which a call to subscribe holds (_NEWSLETTER_CALL[1]), as lower()
# writes them: tested first, it spares most lines the searches (5 us)
_LIST_WORD_PIECES = ("letter", "ng l")


# Lines asked about by the boilerplate and the comment steps, and chrome lines that sites repeat, are
# remembered, short ones only: chrome is short (no line over 300 characters collapsed is chrome).
CACHED_CHROME_LINE_CHARS = 400


@cache_short(maxsize=16_384, max_chars=CACHED_CHROME_LINE_CHARS)
def chrome_reason(line: str) -> str | None:
    collapsed = collapse_spaces(line)
    text = collapsed.strip(_EDGE_SEPARATORS) or collapsed
    if len(text) > 300:
        return None
    match, lowered = _chrome_line_match(text), text.lower()
    reason = _scanned_reason(text, lowered, _CHROME_ORDER[match.lastgroup] if match else len(CHROME_LINES))
    if reason or match:
        return reason or _CHROME_REASONS[match.lastgroup]
    if any(piece in lowered for piece in _LIST_WORD_PIECES) and len(text.split()) <= 30 \
            and all(p.search(text) for p in _NEWSLETTER_CALL):
        return "chrome:newsletter"
    return None


def _scanned_reason(text: str, lowered: str, before: int) -> str | None:
    """The reason of the first scanning alternative that matches `text`, of a reason ordered
    before `before` (the order of the reason _CHROME_LINE found), or None."""
    for order, reason, pattern, pieces in _SCANNERS:
        if order >= before:
            break
        if any(piece in lowered for piece in pieces) and pattern.fullmatch(text):
            return reason
    return None


def category_footer(line: str) -> tuple[list[str], list[str]] | None:
    """Categories and tags from a 'posted in … Bookmark the permalink' line, or None."""
    text = collapse_spaces(line)
    if len(text) > 400 or not _FOOTER_OPENING.match(text):
        return None
    match = _CATEGORY_FOOTER.fullmatch(text) or _POSTED_IN.fullmatch(text)
    if match:
        return _split_list(match.group("cats")), _split_list(match.group("tags"))
    match = _FILED_UNDER.fullmatch(text)
    if match:
        return _split_list(match.group("cats")), []
    for pattern, group in ((_TAGGED, "tags"), (_CATEGORIES, "cats")):
        match = pattern.fullmatch(text)
        terms = _split_list(match.group(group)) if match else []
        if terms and all(len(t.split()) <= _MAX_TERM_WORDS for t in terms):
            return (terms, []) if group == "cats" else ([], terms)
    return None


def _split_list(text: str | None) -> list[str]:
    return [x.strip(" .") for x in _LIST_SPLIT.split(text or "") if x.strip(" .")]


# "- October 2012 (17)", "► 2011 (40)", "Personal Tools (98)": one entry of an archive or category widget
# and "November 2009": one of a list of months. A count is never a year: "Orientalism (1978)" is a book.
_COUNTED_ENTRY = re.compile(r"[-•*►▼▸]?\s*[^()\s][^()]{0,50}?\s*\((?!1[5-9]\d\d\)|20\d\d\))\d{1,5}\)")
_MONTH_ENTRY = re.compile(rf"[-•*►▼▸]?\s*(?:{MONTH_NAMES})\.? (?:19|20)\d\d(?:\s*\(\d{{1,5}}\))?", re.IGNORECASE)


def _ends_as_entry(text: str) -> bool:
    """Whether `text` ends as each match of _COUNTED_ENTRY and _MONTH_ENTRY does: with ")" or a
    digit (\\d is Unicode's Nd, as isdecimal). Most lines do not: they skip split() and both
    patterns (counted_entry_runs on the bench text pages: 0.26 -> 0.16 ms a page)."""
    return text[-1:] == ")" or text[-1:].isdecimal()


MIN_WIDGET_RUN = 3  # one "Apples (3)" may be prose; three in a row are a widget


def counted_entry_runs(lines: list[str]) -> set[int]:
    """Indexes of lines in runs of counted entries or months (archive and category widgets)."""
    found: set[int] = set()
    run: list[int] = []
    for i, line in enumerate([*lines, ""]):
        text = collapse_spaces(line)
        if _ends_as_entry(text) and len(text.split()) <= 8 and (_COUNTED_ENTRY.fullmatch(text) or _MONTH_ENTRY.fullmatch(text)):
            run.append(i)
            continue
        if len(run) >= MIN_WIDGET_RUN:
            found.update(run)
        run = []
    return found


class StripChromeLines:
    """Drop chrome lines; a category footer becomes categories and tags."""

    name = STEP

    def __call__(self, draft: Draft) -> Draft:
        kept = []
        widgets = counted_entry_runs(draft.lines)
        for i, line in enumerate(draft.lines):
            if i in widgets:
                draft.remove(STEP, "chrome:archive_list", line)
                continue
            footer = category_footer(line)
            if footer:
                cats, tags = footer
                draft.categories += [c for c in cats if c not in draft.categories]
                draft.tags += [t for t in tags if t not in draft.tags]
                draft.remove(STEP, "metadata:category_footer", line)
                continue
            reason = chrome_reason(line)
            if reason:
                draft.remove(STEP, reason, line)
                continue
            kept.append(line)
        draft.lines = kept
        return draft
