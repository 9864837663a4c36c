"""Print the demo accounts saved by `make run`, as a table a person can read."""

import json
import sys


def main(path: str) -> None:
    with open(path, encoding="utf-8") as handle:
        made = json.load(handle)
    print("\nSajja demo accounts (sign in at http://127.0.0.1:5000/login):")
    for account in made["accounts"]:
        print(f"  {account['role']:<10} {account['username']:<20} {account['password']}")
    print()


if __name__ == "__main__":
    main(sys.argv[1])
