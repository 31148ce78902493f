# Copied unchanged (but this line) from ../shared/corpus/score.py, so the harness and its CI test run without shared/.
#!/usr/bin/env python3
"""Score extracted main text against ground truth, the way
scrapinghub/article-extraction-benchmark evaluate.py does (commit 4a3bc97).

Usage:
    score.py PRED_DIR GROUND_TRUTH_JSON [--ngram N] [--n-bootstrap B] [--json]

PRED_DIR holds one <id>.txt per ground-truth id (UTF-8). A missing file counts
as an empty prediction. GROUND_TRUTH_JSON maps id -> {"articleBody": str, ...}.

Method (identical to evaluate.py when --ngram 4, the default):
  * tokens  = re.findall(r'\\w+', text)   (Unicode word characters, case kept)
  * shingles = all contiguous N-grams of tokens (N=4); a text with 1..N-1 tokens
    yields one shorter shingle; an empty text yields none
  * per page, on shingle multisets: tp = sum min(cnt_true, cnt_pred),
    fp = sum max(0, cnt_pred - cnt_true), fn = sum max(0, cnt_true - cnt_pred);
    tp, fp, fn are then divided by (tp + fp + fn) so every page weighs the same
  * page precision = tp/(tp+fp), page recall = tp/(tp+fn)
  * P = mean page precision over pages with tp+fp > 0 (pages where the
        extractor returned no shingle are LEFT OUT of P)
    R = mean page recall over pages with tp+fn > 0 (non-empty ground truth)
    F1 = 2PR/(P+R)  -- harmonic mean of the two means, not a mean of page F1s
  * accuracy = share of pages whose token sequence equals the ground truth's
  * +- values: std of P, R, F1, accuracy over B bootstrap resamples of pages
"""
import argparse
import json
import random
import re
import statistics
from collections import Counter
from pathlib import Path

_TOKEN_RE = re.compile(r'\w+', re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)


def tokenize(text):
    return _TOKEN_RE.findall(text or '')


def ngrams(tokens, n):
    out = []
    for i in range(0, max(1, len(tokens) - n + 1)):
        sh = tuple(tokens[i:i + n])
        if sh:
            out.append(sh)
    return out


def tp_fp_fn(true, pred, n=4):
    t = Counter(ngrams(tokenize(true), n))
    p = Counter(ngrams(tokenize(pred), n))
    tp = fp = fn = 0.
    for k in set(t) | set(p):
        tc, pc = t.get(k, 0), p.get(k, 0)
        tp += min(tc, pc)
        fp += max(0, pc - tc)
        fn += max(0, tc - pc)
    s = tp + fp + fn
    if s > 0:
        return tp / s, fp / s, fn / s
    return tp, fp, fn


def _prec(tp, fp, fn):
    if fp == fn == 0:
        return 1.
    if tp == fp == 0:
        return 0.
    return tp / (tp + fp)


def _rec(tp, fp, fn):
    if fp == fn == 0:
        return 1.
    if tp == fn == 0:
        return 0.
    return tp / (tp + fn)


def metrics(tfns):
    p = statistics.mean([_prec(*x) for x in tfns if x[0] + x[1] > 0])
    r = statistics.mean([_rec(*x) for x in tfns if x[0] + x[2] > 0])
    return {'precision': p, 'recall': r, 'f1': 2 * p * r / (p + r) if p + r else 0.}


def evaluate(gt, preds, n=4, n_bootstrap=1000, seed=0):
    keys = sorted(gt)
    tfns, acc = [], []
    for k in keys:
        true = gt[k].get('articleBody') or ''
        pred = preds.get(k) or ''
        tfns.append(tp_fp_fn(true, pred, n))
        acc.append(float(tokenize(true) == tokenize(pred)))
    m = metrics(tfns)
    m['accuracy'] = statistics.mean(acc)
    m['pages'] = len(keys)
    m['empty_predictions'] = sum(1 for k in keys if not tokenize(preds.get(k) or ''))
    if n_bootstrap:
        rnd = random.Random(seed)
        vals = {}
        for _ in range(n_bootstrap):
            idx = [rnd.randint(0, len(keys) - 1) for _ in keys]
            b = metrics([tfns[i] for i in idx])
            b['accuracy'] = statistics.mean([acc[i] for i in idx])
            for kk, v in b.items():
                vals.setdefault(kk, []).append(v)
        for kk, v in vals.items():
            m[kk + '_std'] = statistics.stdev(v)
    return m


def load_preds(pred_dir, keys):
    d = Path(pred_dir)
    out = {}
    for k in keys:
        f = d / f'{k}.txt'
        out[k] = f.read_text(encoding='utf-8') if f.exists() else ''
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('pred_dir')
    ap.add_argument('ground_truth')
    ap.add_argument('--ngram', type=int, default=4, help='shingle size (4 = Scrapinghub benchmark)')
    ap.add_argument('--n-bootstrap', type=int, default=1000)
    ap.add_argument('--json', action='store_true', help='print one JSON object instead of text')
    a = ap.parse_args()
    gt = json.load(open(a.ground_truth, encoding='utf-8'))
    preds = load_preds(a.pred_dir, gt.keys())
    m = evaluate(gt, preds, a.ngram, a.n_bootstrap)
    if a.json:
        print(json.dumps(m))
        return
    sd = lambda k: f" ± {m[k + '_std']:.3f}" if k + '_std' in m else ''
    print(f"pages={m['pages']} empty_predictions={m['empty_predictions']} ngram={a.ngram}")
    print(f"P={m['precision']:.3f}{sd('precision')}  R={m['recall']:.3f}{sd('recall')}  "
          f"F1={m['f1']:.3f}{sd('f1')}  accuracy={m['accuracy']:.3f}{sd('accuracy')}")


if __name__ == '__main__':
    main()
