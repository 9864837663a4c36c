"""`python -m bench`: every benchmark of this folder, one after another, each printing its
figures as ratios against a baseline measured in the same run."""

from bench import meeting_screen, sync_push
from bench.common import print_figures


def main() -> None:
    figures = {}
    for name, module in (("meeting_screen", meeting_screen), ("sync_push", sync_push)):
        figures.update({f"{name}.{key}": value for key, value in module.run().items()})
    print_figures(figures)


if __name__ == "__main__":
    main()
