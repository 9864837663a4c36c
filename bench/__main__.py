"""`python -m bench`: every benchmark of this folder, one after another, each printing its
figures as ratios against a baseline measured in the same run."""

import json

from bench import meeting_screen, sync_push


def main() -> None:
    figures = {}
    for name, module in (("meeting_screen", meeting_screen), ("sync_push", sync_push)):
        result = module.run()
        print(f"== {name}")
        for key, value in result.items():
            print(f"{key:>28}: {value}")
        figures.update({f"{name}.{key}": value for key, value in result.items()})
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
