"""python -m evals.grounding [FILE ...]: the check's verdict and measures per scripted sentence."""

import sys
from pathlib import Path

from assistant.service import Assistant
from assistant.settings import Settings
from evals.grounding import load_grounding_cases, measure


def main() -> None:
    """Print one line per sentence over the current index (for calibrating the thresholds)."""
    cases = load_grounding_cases([Path(a) for a in sys.argv[1:]] or None)
    for row in measure(Assistant.from_settings(Settings()), cases):
        if "skipped" in row:
            print(f"-- {row['case']}: {row['skipped']}")
            continue
        flag = "  " if row["expect"] == row["actual"] else "!!"
        print(
            f"{flag} {row['expect']:4} {row['kind']:18} {row['reason']:13} "
            f"woorden={row['words']:.3f} betekenis={row['meaning']:.3f}  {row['text'][:70]}"
        )


if __name__ == "__main__":
    main()
