"""python -m iraqkg: the iraqkg command."""

from iraqkg.cli import main

if __name__ == "__main__":
    main(prog_name="iraqkg")
