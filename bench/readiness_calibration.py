"""Is readiness honest? The seeded experiment of quizapp/domain/readiness_check.py, with figures
and a calibration plot (docs/readiness.md).

Simulates a pool of items and candidates of known Rasch ability, calibrates the pool from 1,000
candidates' forms, predicts 10,000 new candidates' chance of passing a fresh form from one form
each, then lets them take a fresh form. Prints the difficulty recovery (correlation, RMSE), the
Brier score and the table of predicted against observed pass rates by tenth of prediction, and
writes two plots as SVG: bench/results/readiness-calibration.svg (predicted against observed)
and bench/results/readiness-difficulties.svg (estimated against true difficulty); with
--model 3pl the candidates break the Rasch model (files end -3pl.svg). Run:
  .venv/bin/python bench/readiness_calibration.py [--seed 2026] [--calibration 1000] [--predictions 10000] [--model 3pl]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quizapp.domain import readiness_check  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
SIZE, MARGIN = 420, 56


def _axes(title: str, x_label: str, y_label: str, low: float, high: float, ticks: list[float], fmt: str):  # type: ignore[no-untyped-def]
    span = SIZE - 2 * MARGIN

    def x(v: float) -> float:
        return MARGIN + (v - low) / (high - low) * span

    def y(v: float) -> float:
        return SIZE - MARGIN - (v - low) / (high - low) * span

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" viewBox="0 0 {SIZE} {SIZE}" '
           f'role="img" aria-label="{title}" font-family="sans-serif" font-size="12">',
           f'<rect width="{SIZE}" height="{SIZE}" fill="white"/>',
           f'<text x="{SIZE / 2}" y="22" text-anchor="middle" font-size="14">{title}</text>',
           f'<line x1="{x(low)}" y1="{y(low)}" x2="{x(high)}" y2="{y(low)}" stroke="black"/>',
           f'<line x1="{x(low)}" y1="{y(low)}" x2="{x(low)}" y2="{y(high)}" stroke="black"/>',
           f'<line x1="{x(low)}" y1="{y(low)}" x2="{x(high)}" y2="{y(high)}" stroke="#999" stroke-dasharray="4 3"/>']
    for t in ticks:
        out.append(f'<text x="{x(t)}" y="{y(low) + 16}" text-anchor="middle">{fmt.format(t)}</text>')
        out.append(f'<text x="{x(low) - 6}" y="{y(t) + 4}" text-anchor="end">{fmt.format(t)}</text>')
    out.append(f'<text x="{SIZE / 2}" y="{SIZE - 14}" text-anchor="middle">{x_label}</text>')
    out.append(f'<text transform="translate(14 {SIZE / 2}) rotate(-90)" text-anchor="middle">{y_label}</text>')
    return out, x, y


def calibration_svg(result: readiness_check.CheckResult) -> str:
    out, x, y = _axes("Predicted and observed pass rates, by tenth", "Mean predicted chance of passing",
                      "Observed pass rate on a fresh form", 0.0, 1.0, [0, 0.25, 0.5, 0.75, 1.0], "{:.0%}")
    # the +-5 point band the check allows
    band = " ".join(f"{x(v)},{y(min(1, v + 0.05))}" for v in (0, 1)) + " " + \
        " ".join(f"{x(v)},{y(max(0, v - 0.05))}" for v in (1, 0))
    out.insert(3, f'<polygon points="{band}" fill="#d2e2f1"/>')
    points = [(d.predicted, d.observed) for d in result.deciles]
    out.append('<polyline fill="none" stroke="#1d70b8" stroke-width="2" points="'
               + " ".join(f"{x(p)},{y(o)}" for p, o in points) + '"/>')
    out += [f'<circle cx="{x(p)}" cy="{y(o)}" r="4" fill="#1d70b8"/>' for p, o in points]
    out.append(f'<text x="{x(0.02)}" y="{y(0.93)}">Brier score {result.brier:.3f}</text>')
    out.append(f'<text x="{x(0.02)}" y="{y(0.87)}">Shaded: within 5 points</text>')
    return "\n".join(out + ["</svg>"])


def difficulties_svg(result: readiness_check.CheckResult) -> str:
    out, x, y = _axes("Estimated against true difficulty", "True difficulty (logits)", "Estimated difficulty (logits)",
                      -3.0, 3.0, [-3, -2, -1, 0, 1, 2, 3], "{:g}")
    out += [f'<circle cx="{x(t)}" cy="{y(e)}" r="2.5" fill="#1d70b8" fill-opacity="0.7"/>'
            for t, e in zip(result.truth, result.estimated, strict=True) if -3 <= t <= 3 and -3 <= e <= 3]
    out.append(f'<text x="{x(-2.9)}" y="{y(2.7)}">r = {result.correlation:.3f}, RMSE {result.rmse:.3f}</text>')
    return "\n".join(out + ["</svg>"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--calibration", type=int, default=1000, help="candidates in the calibration cohort")
    parser.add_argument("--predictions", type=int, default=10000, help="candidates whose readiness is predicted")
    parser.add_argument("--pool", type=int, default=120, help="items in the pool")
    parser.add_argument("--form", type=int, default=30, help="questions on a form")
    parser.add_argument("--pass-mark", type=float, default=60.0)
    parser.add_argument("--plots", type=Path, default=RESULTS, help="folder for the two SVG plots")
    parser.add_argument("--model", choices=["rasch", "3pl"], default="rasch",
                        help="how the simulated candidates answer: the Rasch model, or 3PL (discriminations "
                             "0.5 to 2, guessing 1 in 4) to see what breaking its assumptions does")
    args = parser.parse_args()
    started = time.perf_counter()
    result = readiness_check.run(seed=args.seed, pool=args.pool, form_length=args.form,
                                 calibration_candidates=args.calibration, prediction_candidates=args.predictions,
                                 pass_mark_percent=args.pass_mark, model=args.model)
    print(f"Model {args.model}, seed {args.seed}: pool of {args.pool} items, forms of {args.form}, pass mark {args.pass_mark:g}%; "
          f"{args.calibration} candidates calibrate, {args.predictions} are predicted")
    print("\n".join(result.lines()))
    args.plots.mkdir(parents=True, exist_ok=True)
    suffix = "" if args.model == "rasch" else f"-{args.model}"
    plots = [args.plots / f"readiness-calibration{suffix}.svg", args.plots / f"readiness-difficulties{suffix}.svg"]
    plots[0].write_text(calibration_svg(result), encoding="utf-8")
    plots[1].write_text(difficulties_svg(result), encoding="utf-8")
    print(f"Plots: {plots[0]} and {plots[1]} ({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
