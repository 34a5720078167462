"""A literal, loop-by-loop transcription of DETAD's procedure (as the spec describes it), for tests.

Slow and obvious on purpose: every prediction is matched in a Python loop, every error typed
against its video's GTs one by one. Orders use one stable descending score sort (the
library's ``stable_ties=True``); tIoU ties visit the later GT first unless told otherwise.
"""

from __future__ import annotations

import math

import numpy as np

TYPES = ("true_positive", "double_detection", "wrong_label", "localization", "confusion",
         "background")


def _iou(a, b):
    inter = max(0.0, min(a[1], b[1]) - max(a[0], b[0]))
    union = (b[1] - b[0]) + (a[1] - a[0]) - inter
    return inter / union if union else 0.0


def _ap(tp, npos, nbar):
    if not tp:
        return 0.0
    ctp = cfp = 0
    prec, rec = [], []
    for t in tp:
        ctp += t
        cfp += not t
        r = ctp / npos
        rec.append(r)
        prec.append(r * nbar / (r * nbar + cfp))
    mprec, mrec = [0.0] + prec + [0.0], [0.0] + rec + [1.0]
    for i in range(len(mprec) - 2, -1, -1):
        mprec[i] = max(mprec[i], mprec[i + 1])
    return sum((mrec[i] - mrec[i - 1]) * mprec[i] for i in range(1, len(mrec)) if mrec[i] != mrec[i - 1])


def _sorted(ids, score):
    return sorted(ids, key=lambda i: -score[i])  # stable


def evaluate(gt, preds, ids, alpha, nbar, tau=0.0, later_first=True):
    """gt: list of (video, label, start, end); preds: list of (video, label, start, end, score).
    Returns (ap per class, matched {pred: gt}, ranked ids per class)."""
    classes = sorted({g[1] for g in gt})
    score = {i: preds[i][4] for i in ids}
    matched, aps, ranked = {}, {}, {}
    for c in classes:
        gts = [j for j, g in enumerate(gt) if g[1] == c]
        order = _sorted([i for i in ids if preds[i][1] == c], score)
        ranked[c] = order
        locked = set()
        tp = []
        for i in order:
            p = preds[i]
            cands = [j for j in gts if gt[j][0] == p[0]]
            ious = [(_iou(p[2:4], gt[j][2:4]), j) for j in cands]
            ious.sort(key=lambda t: (-t[0], -t[1] if later_first else t[1]))
            hit = None
            for v, j in ious:
                if v < alpha:
                    break
                if j in locked:
                    continue
                hit = j
                break
            if hit is not None:
                locked.add(hit)
                matched[i] = hit
            tp.append(hit is not None)
        npos = len(gts)
        if tau > 0:
            ctp = cfp = 0
            cut = []
            for t in tp:
                ctp += t
                cfp += not t
                r = ctp / npos
                cut.append(r * nbar / (r * nbar + cfp) <= tau)
            for k, i in enumerate(order):
                if cut[k] and tp[k]:
                    del matched[i]
                    tp[k] = False
        aps[c] = _ap(tp, npos, nbar)
    return aps, matched, ranked


def error_type(i, preds, gt, matched, alpha, min_tiou=0.1, prefer_same=False):
    if i in matched:
        return "true_positive"
    p = preds[i]
    vid = [j for j, g in enumerate(gt) if g[0] == p[0]]
    if not vid:
        return "background"
    ious = [_iou(p[2:4], gt[j][2:4]) for j in vid]
    top = max(ious)
    tied = [j for j, v in zip(vid, ious) if v == top]
    g = tied[0]
    if prefer_same and any(gt[j][1] == p[1] for j in tied):
        g = next(j for j in tied if gt[j][1] == p[1])
    same = gt[g][1] == p[1]
    if top >= alpha:
        return "double_detection" if same else "wrong_label"
    if top >= min_tiou:
        return "localization" if same else "confusion"
    return "background"


def diagnose(gt, preds, alpha=0.5, limit=10, fn_tau=0.05, bins=None, prefer_same=False):
    """The spec's numbers at one threshold (characteristic buckets: ``bins`` {name: [bucket per GT]})."""
    classes = sorted({g[1] for g in gt})
    nbar = len(gt) / len(classes)
    npos = {c: sum(g[1] == c for g in gt) for c in classes}
    score = [p[4] for p in preds]
    allids = list(range(len(preds)))
    ap_all, m_all, r_all = evaluate(gt, preds, allids, alpha, nbar)
    lim = []
    for c in classes:
        lim += _sorted([i for i in allids if preds[i][1] == c], score)[: int(npos[c] * limit)]
    ap_fp, m_fp, r_fp = evaluate(gt, preds, lim, alpha, nbar)
    _, m_fn, _ = evaluate(gt, preds, allids, alpha, nbar, tau=fn_tau)
    types = {i: error_type(i, preds, gt, m_fp, alpha, prefer_same=prefer_same) for i in lim}
    mean = lambda d: sum(d.values()) / len(d)  # noqa: E731
    profile = {}
    for g in range(limit):
        members = []
        for c in classes:
            members += r_fp[c][g * npos[c] : (g + 1) * npos[c]]
        profile[f"{g + 1}G"] = {t: (sum(types[i] == t for i in members) / len(members)
                                    if members else math.nan) for t in TYPES}
    impact = {}
    for t in TYPES[1:]:
        aps = {c: _ap([i in m_fp for i in r_fp[c] if types[i] != t], npos[c], nbar) for c in classes}
        impact[t] = mean(aps) - mean(ap_fp)
    sens, fneg = {}, {}
    for name, bucket in (bins or {}).items():
        sens[name], fneg[name] = {}, {}
        for b in sorted(set(bucket)):
            aps = []
            for c in classes:
                keep_gt = {j for j, g in enumerate(gt) if g[1] == c and bucket[j] == b}
                if not keep_gt:
                    continue
                tp = [i in m_all for i in r_all[c] if i not in m_all or m_all[i] in keep_gt]
                aps.append(_ap(tp, len(keep_gt), nbar))
            sens[name][b] = sum(aps) / len(aps)
            in_b = [j for j in range(len(gt)) if bucket[j] == b]
            hit = set(m_fn.values())
            fneg[name][b] = sum(j not in hit for j in in_b) / len(in_b)
    return {"all": mean(ap_all), "fp_analysis": mean(ap_fp), "profile": profile,
            "impact": impact, "sensitivity": sens, "false_negative": fneg,
            "types": types, "order": r_all}


def random_case(seed, videos=4, classes=3, gts=6, preds=40):
    """Random GT and predictions with exact ties in scores and segments."""
    rng = np.random.default_rng(seed)
    gt, pr = [], []
    for v in range(videos):
        for _ in range(int(rng.integers(0, gts))):
            s = float(rng.integers(0, 40))
            gt.append((v, int(rng.integers(classes)), s, s + float(rng.integers(1, 12))))
        for _ in range(int(rng.integers(0, preds))):
            s = float(rng.integers(0, 45))
            pr.append((v, int(rng.integers(classes)), s, s + float(rng.integers(1, 12)),
                       float(rng.integers(0, 10)) / 10))
    if not gt or {g[1] for g in gt} != set(range(classes)):
        return random_case(seed + 1000, videos, classes, gts, preds)
    return gt, pr
