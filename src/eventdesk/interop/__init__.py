"""Other datasets' formats: import GDELT, ICEWS, POLECAT, PLOVER and Phoenix events into the store,
and export the store in those formats."""
