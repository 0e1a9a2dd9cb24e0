"""One line for every column the analyses print: the ``--help`` of each command shows its own,
and ``docs/glossary.md`` has them all with more words."""
from __future__ import annotations

COLUMNS: dict[str, dict[str, str]] = {
    "dyad": {
        "period": "first day of the period (--by)",
        "n": "events of the pair in the period",
        "verbal_coop, material_coop, verbal_conflict, material_conflict":
            "events per quad class (CAMEO roots 01-05, 06-08, 09-13 and 16, 14-15 and 17-20)",
        "net_goldstein": "sum of the events' Goldstein scores (-10 hostile .. +10 cooperative)",
        "mean_goldstein": "mean Goldstein score of the period's events (empty: no events)",
        "intensity": "mean |Goldstein|: how strong the events were, either way",
        "coop_mass, conflict_mass": "sums of the positive and of the negative scores, apart",
        "balance": "(coop_mass - conflict_mass) / (coop_mass + conflict_mass), -1 .. +1",
        "net_per_100": "net Goldstein per 100 events that involve either party with anyone",
        "ewma": "exponentially weighted mean of mean_goldstein (alpha 0.3)",
        "robust_z": "mean_goldstein against the 12 periods before: (x - median) / (1.4826 MAD)",
    },
    "dyads": {
        "a, b": "the country pair (alphabetical)",
        "n": "events of the pair in the window",
        "net_goldstein, mean_goldstein": "sum and mean of their Goldstein scores",
        "n_last, mean_last": "events and mean Goldstein in the last period of the data",
        "mean_before": "mean Goldstein of the earlier periods",
        "movement": "(mean_last - mean_before) / standard error: how far the pair moved",
    },
    "triangle": {
        "S A-B": "edge score: mean of both directions' mean Goldstein, smoothed (EWMA 0.5)",
        "lo A-B, hi A-B": "95% parametric bootstrap interval of the edge score",
        "configuration": "ménage à trois (3 warm edges), romantic triangle (2), stable "
                         "marriage (1), unit veto (0), indeterminate (an edge unsigned)",
        "key_player": "pivot of a romantic triangle, pariah of a stable marriage",
        "probability": "share of bootstrap draws giving the same configuration",
        "leverage P": "pivot leverage: min(S_PA, S_PB) - S_AB (above 0: P is courted by both)",
        "leverage lo P, leverage hi P": "95% interval of the leverage, from the edge scores' "
                                        "bootstrap draws",
        "role P": "S_PA + S_PB - S_AB: how central P is",
        "pivot": "the player with the highest positive leverage (empty: nobody)",
    },
    "balance": {
        "a, b": "the pair",
        "score": "mean of the two directions' mean Goldstein over the window",
        "lo, hi": "its 95% interval",
        "sign": "+1 warm, -1 hostile, 0 unsigned (inside the band or interval includes 0)",
        "n": "events of the pair",
        "verdict": "balanced, unbalanced, or indeterminate (the data cannot tell the camps)",
        "frustration": "signed edges a split into two camps contradicts (warm across, "
                       "hostile within); the frustration index is the least of them",
    },
    "divergence": {
        "kind": "all events, verbal (quads 1, 3), material (2, 4), say-do gap (leader's "
                "words against the government's deeds)",
        "n_leader, n_government": "events of each side toward the target",
        "mean_leader, mean_government": "their mean Goldstein",
        "difference": "leader minus government",
        "lo, hi": "95% bootstrap interval of the difference",
        "hedges_g": "standardised difference with the small-sample correction",
    },
    "reciprocity": {
        "causing, caused": "the direction tested (Granger: does the first help predict the "
                           "second?)",
        "lags": "VAR lags", "F, p": "the F statistic and its p-value",
        "coefficient": "comparative reciprocity: > 0 answers in kind, < 0 bullies",
    },
    "signals": {
        "rank": "order shown",
        "priority": "1 a new line across the watch, 2 touches the watch, 3 elsewhere",
        "score": "surprise in bits (-log2 of the observation's probability) plus relevance",
        "kind": "novelty, salience (strong but little covered), count spike, intensity "
                "shift, change point",
        "dyad, date": "the country pair and the event's or period's date",
        "reason": "what was surprising, in words; evidence: the sentences behind it",
    },
}


def help_text(command: str) -> str:
    """The ``columns:`` paragraph of a command's ``--help``."""
    rows = COLUMNS.get(command, {})
    if not rows:
        return ""
    return "columns (docs/glossary.md):\n" + "\n".join(
        f"  {name}: {text}" for name, text in rows.items())


def markdown() -> str:
    """The glossary page (``docs/glossary.md`` is written from this; a test keeps them equal)."""
    out = ["# Glossary of the analyses' columns", "",
           "Every column an analysis command prints, one line each; each command's `--help` "
           "shows its own. Goldstein scores run from −10 (most hostile) to +10 (most "
           "cooperative); quad classes are verbal cooperation (1), material cooperation (2), "
           "verbal conflict (3) and material conflict (4). How the brief reaches its "
           "verdicts and how signals are scored: the docstrings of `eventdesk.analysis.brief` "
           "and `eventdesk.analysis.signals`.", ""]
    for command, rows in COLUMNS.items():
        out += [f"## `eventdesk {command}`", ""]
        out += [f"- **{name}**: {text}" for name, text in rows.items()] + [""]
    return "\n".join(out)
