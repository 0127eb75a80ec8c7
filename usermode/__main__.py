"""Entry point: ``python -m usermode [options] program [args...]`` (= pyqemu-arm)."""
import sys


def main_arm() -> int:
    from .cli import main
    try:
        return main()
    except KeyboardInterrupt:
        sys.stderr.write("pyqemu-arm: interrupted\n")
        return 130


if __name__ == "__main__":
    sys.exit(main_arm())
