import json
from importlib import resources

import jsonschema
import pytest

from conftest import CORPUS


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(resources.files("eventdesk").joinpath("schema/event-v3.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_every_event_of_the_example_corpus_is_valid(validator, cli):
    r = cli("code", "-q", CORPUS)
    assert r.returncode == 0, r.stderr
    events = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(events) >= 150
    for ev in events:
        errors = list(validator.iter_errors(ev))
        assert not errors, (ev["text"], errors[0].message)
        for role in ("actor", "action", "recipient"):
            for s, e in ev["spans"][role]:
                assert 0 <= s < e <= len(ev["text"])


def test_schema_rejects_a_numeric_cameo_code(validator):
    bad = {"cameo": 10}
    assert any(e.path and e.path[0] == "cameo" for e in validator.iter_errors(bad))
