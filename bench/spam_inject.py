"""Spam-injection benchmark: how much injected spam the pipeline removes, and what it costs the article.

    .venv/bin/python -m bench.spam_inject [--limit N] [--sets scrapinghub,dragnet-dev] [--seed 0]
                                          [--techniques hidden,comment] [--workers N] [--corpus DIR]

Takes labelled pages from the corpus (<corpus>/<set>/<id>.html.gz, ground truth in ground-truth.json),
injects spam into each page once per technique (hidden in every way of research note §1.2, visible
lines and link farms at the top and bottom edges of <body>, sentences and anchors appended to
article paragraphs, a fake comment in the comment list, a short line in another language), in
several languages, deterministically (random.Random per page and technique), and runs the full
pipeline (cleaners.Cleaner(CleaningSettings()).record) on the clean and on each injected page.

Reported per technique:
  * spam removed: share of the injected text's token 4-grams (\\w+ tokens) that are absent from the
    output (article text and comments), not counting 4-grams the clean page's output has too;
    "left in text" / "left in comments" say where the rest went;
  * main-text F1 (score.py's method) on the clean pages and on the injected pages, and the change;
  * rejected: pages without an article (injected page; clean page in brackets).

Not part of CI.
"""
from __future__ import annotations

import argparse
import copy
import gzip
import hashlib
import importlib.util
import json
import os
import random
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import lxml.html
from lxml import etree

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"
DEFAULT_SETS = ("scrapinghub", "dragnet-dev")
RUN = {"run_id": "spam-inject", "pipeline_version": "bench", "config_sha256": "default"}
CONFIGS = ("pipeline",)

# ----------------------------------------------------------------------------- spam to inject
# Written the way injected spam reads in the wild (brand names, years, calls to action), not
# assembled from the lexicon, so the benchmark also sees words the lexicon does not list.

SPAM = {
    "tr": {
        "lines": ["casino siteleri yeni bahis siteleri deneme bonusu veren siteler",
                  "Deneme bonusu veren siteler 2024 – en güvenilir bahis siteleri listesi",
                  "bets10 giriş adresi, betboo güncel giriş, canlı casino ve hoşgeldin bonusu",
                  "Türkiye'nin en iyi kaçak bahis siteleri ve bedava bonus fırsatları"],
        "anchors": [("deneme bonusu", "https://denemebonusu-2024.example/"),
                    ("casino siteleri", "https://casinositeleri.example/"),
                    ("bahis siteleri", "https://guvenilir-bahis.example/"),
                    ("betboo giriş", "https://betboo-giris.example/"),
                    ("canlı casino", "https://www.canli-casino.example/"),
                    ("hoşgeldin bonusu", "https://bonus.example/tr")],
        "sentences": ["En iyi deneme bonusu veren siteler için hemen tıklayın.",
                      "Güvenilir bahis siteleri ve canlı casino listesine buradan ulaşabilirsiniz."],
        "outlier": ["bahis ve slot oyunları için en iyi adres burada",
                    "poker ve rulet oynamak için bu siteyi ziyaret edin"],
    },
    "id": {
        "lines": ["slot gacor hari ini situs judi online terpercaya",
                  "Daftar situs slot gacor maxwin, link alternatif slot88 terbaru 2024",
                  "bandar togel online terpercaya dengan RTP slot tertinggi hari ini"],
        "anchors": [("slot gacor", "https://slotgacor-maxwin.example/"),
                    ("situs judi online", "https://situs-judi.example/"),
                    ("togel hari ini", "https://togel88.example/"),
                    ("slot88", "https://link-alternatif.example/slot88"),
                    ("RTP slot", "https://rtp.example/live")],
        "sentences": ["Mainkan slot gacor hari ini di situs judi terpercaya dan raih maxwin.",
                      "Daftar sekarang dan menangkan jackpot besar di bandar togel kami."],
        "outlier": ["mainkan poker dan slot bersama kami setiap hari",
                    "menangkan jackpot besar dengan bermain di sini"],
    },
    "vi": {
        "lines": ["Nhà cái uy tín nhất 2024 – cá cược bóng đá, đá gà trực tuyến",
                  "soi kèo nhà cái hôm nay, tải game bài đổi thưởng miễn phí"],
        "anchors": [("nhà cái uy tín", "https://nhacaiuytin.example/"),
                    ("cá độ bóng đá", "https://cado.example/"),
                    ("game bài đổi thưởng", "https://gamebai.example/"),
                    ("soi kèo", "https://soikeo.example/")],
        "sentences": ["Đăng ký tại nhà cái uy tín để nhận thưởng cá cược bóng đá mỗi ngày."],
        "outlier": ["chơi poker và slot với chúng tôi mỗi ngày tại đây"],
    },
    "de": {
        "lines": ["Online Casino Echtgeld – beste Online Casinos ohne Anmeldung 2024",
                  "Sportwetten Bonus und Freispiele ohne Einzahlung in der Online Spielothek"],
        "anchors": [("Online Casino Echtgeld", "https://echtgeld-casino.example/"),
                    ("Casino ohne Lizenz", "https://ohne-lizenz.example/"),
                    ("Freispiele", "https://freispiele.example/"),
                    ("Potenzmittel rezeptfrei", "https://apotheke.example/viagra-kaufen")],
        "sentences": ["Jetzt im Online Casino Echtgeld spielen und Freispiele ohne Einzahlung sichern."],
        "outlier": ["die besten Slots und Jackpots warten hier auf dich"],
    },
    "es": {
        "lines": ["Mejores casinos online en España con bono sin depósito y giros gratis",
                  "Casas de apuestas deportivas online: tragamonedas gratis y bonos"],
        "anchors": [("casinos online", "https://casinos-online.example/es"),
                    ("bono sin depósito", "https://bono.example/"),
                    ("apuestas deportivas", "https://apuestas.example/"),
                    ("comprar viagra", "https://farmacia.example/comprar-viagra")],
        "sentences": ["Juega en los mejores casinos online con bono sin depósito y giros gratis."],
        "outlier": ["juega al poker y a la ruleta con nosotros cada día"],
    },
    "en-pharma": {
        "lines": ["Buy viagra online without prescription – cheap cialis, generic levitra",
                  "Canadian pharmacy: order phentermine, buy tramadol and xanax with overnight delivery"],
        "anchors": [("buy viagra online", "https://rx-pills.example/buy-viagra"),
                    ("cheap cialis", "https://rx-pills.example/cialis"),
                    ("canadian pharmacy", "https://canadian-meds.example/"),
                    ("tramadol 50mg", "https://meds.example/tramadol")],
        "sentences": ["Order generic viagra and cheap cialis from our online pharmacy without prescription."],
    },
    "en-counterfeit": {
        "lines": ["Replica watches, fake rolex and replica handbags – louis vuitton outlet online"],
        "anchors": [("replica watches", "https://replica-watches.example/"),
                    ("cheap jordans", "https://jordans.example/"),
                    ("michael kors outlet", "https://mk-outlet.example/"),
                    ("fake rolex", "https://swiss-replica.example/rolex")],
        "sentences": ["Buy the best replica watches and fake rolex at our louis vuitton outlet."],
    },
}
PRAISE = ["Great post, thanks for sharing!", "I found your blog via Google and bookmarked it.",
          "Very informative article, keep up the good work."]

# ----------------------------------------------------------------------------- injection


def _el(html: str):
    return lxml.html.fragment_fromstring(html)


def _anchors(rng: random.Random, lang: str, n: int, sep: str = " ") -> str:
    pool = SPAM[lang]["anchors"]
    picks = [pool[i % len(pool)] for i in rng.sample(range(max(n, len(pool))), n)]
    return sep.join(f'<a href="{href}">{text}</a>' for text, href in picks)


def _text_of(el) -> str:
    return " ".join(el.text_content().split())


class Injection:
    """One page being spammed: its tree, its article paragraphs and a seeded random source."""

    def __init__(self, root, paragraphs, rng: random.Random):
        self.root, self.paragraphs, self.rng = root, paragraphs, rng
        self.body = root.find("body")
        self.lang = rng.choice(sorted(SPAM))

    def top(self, el) -> list[str]:
        self.body.insert(0, el)
        el.tail = "\n"
        return [_text_of(el)]

    def bottom(self, el) -> list[str]:
        self.body.append(el)
        return [_text_of(el)]

    def paragraph(self):
        return self.rng.choice(self.paragraphs) if self.paragraphs else None

    def style_rule(self, rule: str) -> None:
        head = self.root.find("head")
        if head is None:
            head = etree.Element("head")
            self.root.insert(0, head)
        style = etree.SubElement(head, "style")
        style.text = rule

    def name(self) -> str:
        return "x" + "".join(self.rng.choice("abcdefghijkmnpqrstuvwxyz0123456789") for _ in range(5))

    def line(self, kind: str = "lines") -> str:
        return self.rng.choice(SPAM[self.lang][kind])


def _hidden_block(style: str, where: str):
    def inject(inj: Injection) -> list[str] | None:
        el = _el(f'<div style="{style}">{_anchors(inj.rng, inj.lang, inj.rng.randint(3, 5))}</div>')
        return inj.top(el) if where == "top" else inj.bottom(el)
    return inject


def hidden_font_size(inj: Injection) -> list[str] | None:
    p = inj.paragraph()
    if p is None:
        return None
    span = _el(f'<span style="font-size:0px">{inj.line()} {_anchors(inj.rng, inj.lang, 1)}</span>')
    text = p.text or ""
    cut = text.find(". ") + 1 or len(text)  # after the first sentence, when there is one
    p.text, span.tail = text[:cut] + " ", " " + text[cut:].lstrip()
    p.insert(0, span)
    return [_text_of(span)]


def hidden_text_indent(inj: Injection) -> list[str] | None:
    return inj.bottom(_el(f'<p style="text-indent:-9999px">{inj.line()} – {_anchors(inj.rng, inj.lang, 2)}</p>'))


def hidden_css_class(inj: Injection) -> list[str] | None:
    name = inj.name()
    inj.style_rule(f".{name}{{position:absolute;left:-4000px}}")
    return inj.bottom(_el(f'<div class="{name}">{_anchors(inj.rng, inj.lang, 4)}</div>'))


def hidden_css_id(inj: Injection) -> list[str] | None:
    name = inj.name()
    inj.style_rule(f"#{name} {{ display: none }}")
    return inj.top(_el(f'<div id="{name}"><p>{inj.line()}</p>{_anchors(inj.rng, inj.lang, 3)}</div>'))


def hidden_attribute(inj: Injection) -> list[str] | None:
    return inj.bottom(_el(f"<div hidden>{_anchors(inj.rng, inj.lang, 4)}</div>"))


def visible_lines_edges(inj: Injection) -> list[str] | None:
    first, last = inj.line(), inj.line()
    return inj.top(_el(f"<p>{first}</p>")) + inj.bottom(_el(f"<p>{last}</p>"))


def visible_farm_bottom(inj: Injection) -> list[str] | None:
    langs = inj.rng.sample(sorted(SPAM), 3)
    links = " | ".join(_anchors(inj.rng, lang, 3, " | ") for lang in langs)
    return inj.bottom(_el(f'<div class="footer-links">{links}</div>'))


def paragraph_sentence(inj: Injection) -> list[str] | None:
    p = inj.paragraph()
    if p is None:
        return None
    sentence = inj.line("sentences")
    if len(p):
        p[-1].tail = (p[-1].tail or "") + " " + sentence
    else:
        p.text = (p.text or "") + " " + sentence
    return [sentence]


def paragraph_anchor(inj: Injection) -> list[str] | None:
    p = inj.paragraph()
    if p is None:
        return None
    a = _el(_anchors(inj.rng, inj.lang, 1))
    if len(p):
        p[-1].tail = (p[-1].tail or "") + " "
    else:
        p.text = (p.text or "") + " "
    p.append(a)
    return [_text_of(a)]


_COMMENT_LIST = etree.XPath(
    "//*[self::ol or self::ul or self::div][re:test(@class, 'comment-?list|commentlist') or "
    "re:test(@id, '^comments?$|comment-?list')]", namespaces={"re": "http://exslt.org/regular-expressions"})


def fake_comment(inj: Injection) -> list[str] | None:
    text, href = inj.rng.choice(SPAM[inj.lang]["anchors"])
    praise, line = inj.rng.choice(PRAISE), inj.line()
    item = _el(
        f'<li class="comment"><div class="comment-author vcard"><cite class="fn"><a href="{href}" '
        f'rel="external nofollow">{text}</a></cite> <span class="says">says:</span></div>'
        f'<div class="comment-content"><p>{praise} {line} {_anchors(inj.rng, inj.lang, 1)}</p></div></li>')
    lists = sorted(_COMMENT_LIST(inj.root), key=lambda e: e.tag not in ("ol", "ul"))
    if lists and lists[0].tag in ("ol", "ul"):
        lists[0].append(item)
    elif lists:
        lists[0].append(_el('<ol class="comment-list"></ol>'))
        lists[0][-1].append(item)
    else:
        anchor = inj.paragraphs[-1].getparent() if inj.paragraphs else inj.body
        block = _el('<div id="comments" class="comments-area"><h2 class="comments-title">One thought</h2>'
                    '<ol class="comment-list"></ol></div>')
        block[-1].append(item)
        if anchor is inj.body:
            inj.body.append(block)
        else:
            anchor.addnext(block)
    anchor = item.xpath(".//div[@class='comment-content']//a")[0]
    return [_text_of(item.xpath(".//cite")[0]), f"{line} {_text_of(anchor)}"]


def language_outlier(inj: Injection) -> list[str] | None:
    langs = [lang for lang in sorted(SPAM) if "outlier" in SPAM[lang]]
    line = inj.rng.choice(SPAM[inj.rng.choice(langs)]["outlier"])
    p = inj.paragraph()
    el = _el(f"<p>{line}</p>")
    if p is None:
        return inj.bottom(el)
    p.addnext(el)
    return [line]


TECHNIQUES = {
    "hidden: display:none, top": _hidden_block("display:none", "top"),
    "hidden: visibility:hidden, bottom": _hidden_block("visibility:hidden;height:0", "bottom"),
    "hidden: font-size:0 in a paragraph": hidden_font_size,
    "hidden: off-screen -9999px, top": _hidden_block("position:absolute;left:-9999px;top:-9999px", "top"),
    "hidden: text-indent, bottom": hidden_text_indent,
    "hidden: height:0 overflow, bottom": _hidden_block("height:0;overflow:hidden", "bottom"),
    "hidden: opacity:0, top": _hidden_block("opacity:0", "top"),
    "hidden: <style> class, bottom": hidden_css_class,
    "hidden: <style> id, top": hidden_css_id,
    "hidden: hidden attribute, bottom": hidden_attribute,
    "visible: lines at top and bottom": visible_lines_edges,
    "visible: link farm, bottom": visible_farm_bottom,
    "in article: appended sentence": paragraph_sentence,
    "in article: appended anchor": paragraph_anchor,
    "comments: fake comment": fake_comment,
    "in article: language outlier line": language_outlier,
}

# ----------------------------------------------------------------------------- one page


def _score_module(corpus: Path):
    spec = importlib.util.spec_from_file_location("corpus_score_py", corpus / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _parse(html: str):
    # Parse bytes so pages that start with an XML declaration parse too.
    parser = lxml.html.HTMLParser(encoding="utf-8")
    return lxml.html.document_fromstring(html.encode("utf-8"), parser=parser)


def _serialize(root) -> str:
    doctype = root.getroottree().docinfo.doctype or "<!DOCTYPE html>"
    return lxml.html.tostring(root, encoding="unicode", method="html", doctype=doctype)


def _norm(text: str) -> str:
    return " ".join(text.split())


def article_paragraphs(root, article: str) -> list:
    """The page's <p> elements whose text is part of the ground-truth article."""
    body = _norm(article)
    out = []
    for p in root.iter("p"):
        text = _norm(p.text_content())
        if len(text) >= 60 and text[:60] in body:
            out.append(p)
    return out


_CLEANER = None


def _clean(html: str, source: str) -> dict:
    from cleaners import Cleaner, CleaningSettings
    from cleaners.document import Page

    global _CLEANER
    if _CLEANER is None:
        _CLEANER = Cleaner(CleaningSettings())
    page = Page(source=source, sha256=hashlib.sha256(html.encode("utf-8")).hexdigest(), format="html",
                content=html, content_type="html")
    kind, record = _CLEANER.record(page, RUN)
    if kind != "article":
        return {"kind": record["reason"], "text": "", "comments": ""}
    return {"kind": "article", "text": record["text"],
            "comments": "\n".join(c["text"] for c in record["comments"])}


def run_page(job: tuple[str, str, str, str, int, tuple[str, ...], tuple[str, ...]]) -> dict:
    """Clean and injected variants of one page, cleaned under each configuration."""
    from cleaners.decode import DecodeError, decode_bytes

    corpus, set_name, page_id, truth, seed, configs, techniques = job
    path = Path(corpus) / set_name / f"{page_id}.html.gz"
    try:
        root = _parse(decode_bytes(gzip.decompress(path.read_bytes()), html=True))
    except (DecodeError, etree.ParserError, ValueError) as exc:
        return {"set": set_name, "id": page_id, "error": str(exc)}
    if root.find("body") is None:
        return {"set": set_name, "id": page_id, "error": "no <body>"}
    pages, injected = {"clean": _serialize(root)}, {}
    for technique in techniques:
        inject = TECHNIQUES[technique]
        variant = copy.deepcopy(root)
        rng = random.Random(f"{seed}/{set_name}/{page_id}/{technique}")
        spam = inject(Injection(variant, article_paragraphs(variant, truth), rng))
        if spam:
            pages[technique], injected[technique] = _serialize(variant), spam
    results = {}
    for config in configs:
        results[config] = {name: _clean(html, f"{set_name}/{page_id}") for name, html in pages.items()}
    return {"set": set_name, "id": page_id, "truth": truth, "injected": injected,
            "results": results}


# ----------------------------------------------------------------------------- report


def _grams(score, text: str, n: int = 4) -> Counter:
    return Counter(score.ngrams(score.tokenize(text), n)) if score.tokenize(text) else Counter()


def spam_left(score, parts: list[str], out: str, clean_out: str) -> tuple[int, int]:
    """(injected 4-grams, of which still in `out` beyond what the clean page's output has).

    Each part is a run of text contiguous in the page; a part of fewer than 4 tokens counts as one
    shingle of its own length, looked for among the output's shingles of that length."""
    total = left = 0
    for part in parts:
        n = min(4, len(score.tokenize(part)))
        if n == 0:
            continue
        grams, extra = _grams(score, part, n), _grams(score, out, n) - _grams(score, clean_out, n)
        total += sum(grams.values())
        left += sum(min(k, extra[g]) for g, k in grams.items())
    return total, left


def clean_row(score, pages: list[dict], config: str) -> dict:
    tfn = [score.tp_fp_fn(page["truth"], page["results"][config]["clean"]["text"]) for page in pages]
    rejected = Counter(p["results"][config]["clean"]["kind"] for p in pages)
    rejected.pop("article", None)
    return {"pages": len(pages), "f1": score.metrics(tfn)["f1"] if tfn else 0.0,
            "rejected": ", ".join(f"{k} {v}" for k, v in sorted(rejected.items())) or "0"}


def summarize(score, pages: list[dict], config: str) -> list[dict]:
    rows = []
    for technique in [*TECHNIQUES, "all techniques"]:
        tot = left_text = left_comments = left_any = 0
        clean_tfn, inj_tfn, rejected, rejected_clean = [], [], Counter(), Counter()
        for page in pages:
            names = [technique] if technique in TECHNIQUES else list(page["injected"])
            res = page["results"][config]
            for name in names:
                if name not in page["injected"]:
                    continue
                spam, out, clean = page["injected"][name], res[name], res["clean"]
                n, in_text = spam_left(score, spam, out["text"], clean["text"])
                _, in_comments = spam_left(score, spam, out["comments"], clean["comments"])
                _, anywhere = spam_left(score, spam, out["text"] + "\n" + out["comments"],
                                        clean["text"] + "\n" + clean["comments"])
                tot, left_text, left_comments, left_any = (tot + n, left_text + in_text,
                                                           left_comments + in_comments, left_any + anywhere)
                clean_tfn.append(score.tp_fp_fn(page["truth"], clean["text"]))
                inj_tfn.append(score.tp_fp_fn(page["truth"], out["text"]))
                rejected[out["kind"]] += out["kind"] != "article"
                rejected_clean[clean["kind"]] += clean["kind"] != "article"
        if not clean_tfn:
            continue
        f1_clean, f1_inj = score.metrics(clean_tfn)["f1"], score.metrics(inj_tfn)["f1"]
        rows.append({"technique": technique, "pages": len(clean_tfn), "grams": tot,
                     "removed": 1 - left_any / tot if tot else 1.0, "left_text": left_text / tot if tot else 0.0,
                     "left_comments": left_comments / tot if tot else 0.0, "f1_clean": f1_clean,
                     "f1_injected": f1_inj, "rejected": sum(rejected.values()),
                     "rejected_clean": sum(rejected_clean.values()),
                     "reasons": ", ".join(f"{k} {v}" for k, v in sorted((+rejected).items()))})
    return rows


def print_table(config: str, clean: dict[str, dict], rows: list[dict]) -> None:
    print(f"\n### {config}\n")
    print("| technique | pages | spam 4-grams | removed | left in text | left in comments "
          "| F1 clean | F1 injected | ΔF1 | rejected (clean) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for label, row in clean.items():
        print(f"| (no injection) {label} | {row['pages']} | – | – | – | – | {row['f1']:.3f} | – | – "
              f"| – ({row['rejected']}) |")
    for r in rows:
        name = f"**{r['technique']}**" if r["technique"] == "all techniques" else r["technique"]
        reasons = f" {r['reasons']}" if r["reasons"] else ""
        print(f"| {name} | {r['pages']} | {r['grams']} | {r['removed']:.1%} | {r['left_text']:.1%} "
              f"| {r['left_comments']:.1%} | {r['f1_clean']:.3f} | {r['f1_injected']:.3f} "
              f"| {r['f1_injected'] - r['f1_clean']:+.3f} | {r['rejected']} ({r['rejected_clean']}){reasons} |")


def _jobs(corpus: Path, sets: list[str], limit: int | None, seed: int, configs: tuple[str, ...],
          techniques: tuple[str, ...] = tuple(TECHNIQUES)):
    jobs = []
    for set_name in sets:
        truth = json.loads((corpus / set_name / "ground-truth.json").read_text(encoding="utf-8"))
        ids = [i for i in sorted(truth) if (corpus / set_name / f"{i}.html.gz").exists()]
        jobs += [(str(corpus), set_name, i, truth[i].get("articleBody") or "", seed, configs, techniques)
                 for i in ids[:limit]]
    return jobs


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--sets", default=",".join(DEFAULT_SETS))
    parser.add_argument("--limit", type=int, default=None, help="first N pages (by id) of each set")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--techniques", default=None,
                        help="comma-separated parts of technique names to run (e.g. hidden,comment); "
                             "'none' cleans the pages without injecting (F1 only)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    configs = CONFIGS
    sets = args.sets.split(",")
    score = _score_module(args.corpus)
    if args.techniques == "none":
        techniques = ()
    elif args.techniques:
        wanted = [w.strip().lower() for w in args.techniques.split(",")]
        techniques = tuple(t for t in TECHNIQUES if any(w in t.lower() for w in wanted))
    else:
        techniques = tuple(TECHNIQUES)
    jobs = _jobs(args.corpus, sets, args.limit, args.seed, configs, techniques)
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        pages = list(pool.map(run_page, jobs, chunksize=1))
    errors = [p for p in pages if "error" in p]
    pages = [p for p in pages if "error" not in p]
    print(f"spam injection: {len(pages)} pages from {', '.join(sets)}, {len(techniques)} techniques, "
          f"seed {args.seed}"
          + (f"; {len(errors)} pages skipped ({errors[0]['set']}/{errors[0]['id']}: {errors[0]['error']})"
             if errors else ""))
    for config in configs:
        clean = {name: clean_row(score, [p for p in pages if p["set"] == name], config) for name in sets}
        if len(sets) > 1:
            clean["all sets"] = clean_row(score, pages, config)
        print_table(config, clean, summarize(score, pages, config))
    argv_out = ["--sets", args.sets, "--seed", str(args.seed)]
    if args.techniques:
        argv_out += ["--techniques", args.techniques]
    if args.limit is not None:
        argv_out = ["--limit", str(args.limit), *argv_out]
    print(f"\n{time.perf_counter() - started:.0f} s with {args.workers} workers")
    print(f"command: .venv/bin/python -m bench.spam_inject {' '.join(argv_out)}")


if __name__ == "__main__":
    main(sys.argv[1:])
