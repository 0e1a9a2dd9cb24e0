"""The coder on plain wire sentences: (actor, recipient, CAMEO root, status) per sentence.

Actors and recipients are given as entity codes (country + sector) or countries; "-" means no
recipient. Each sentence is coded with the document date 2017-04-12.
"""
import pytest

from eventdesk.model import Status

# sentence, expected events as (actor, recipient, root, status); the first expected event must be
# among the coded events, and no coded event may have a root outside the listed ones.
CASES = [
    # consult
    ("U.S. Secretary of State Rex Tillerson met Russian Foreign Minister Sergei Lavrov in Moscow.",
     [("USAGOV", "RUSGOV", "04", "asserted")]),
    ("Russia and China held talks in Beijing.", [("RUS", "CHN", "04", "asserted")]),
    ("Tillerson visited Moscow on Wednesday.", [("USAGOV", "RUSGOV", "04", "asserted")]),
    ("Xi Jinping spoke with Donald Trump by telephone.", [("CHNGOV", "USAGOV", "04", "asserted")]),
    ("President Trump hosted Chinese President Xi Jinping at Mar-a-Lago.",
     [("USAGOV", "CHNGOV", "04", "asserted")]),
    ("Vladimir Putin received Rex Tillerson at the Kremlin.",
     [("RUSGOV", "USAGOV", "04", "asserted")]),
    # statements and appeals
    ("Russia called on the United States to show restraint.", [("RUS", "USA", "02", "asserted")]),
    ("China urged North Korea to halt its missile tests.", [("CHN", "PRK", "02", "asserted")]),
    ("Lavrov said the talks were useful.", [("RUSGOV", "-", "01", "asserted")]),
    # intent to cooperate, cooperation, aid
    ("China pledged support to the Syrian government.", [("CHN", "SYRGOV", "03", "asserted")]),
    ("Russia offered to mediate between Washington and Pyongyang.",
     [("RUS", "-", "03", "asserted"), ("RUS", "PRKGOV", "04", "future")]),
    ("Russia and Turkey signed an agreement on a ceasefire in Syria.",
     [("RUS", "TUR", "05", "asserted")]),
    ("Trump praised Xi Jinping.", [("USAGOV", "CHNGOV", "05", "asserted")]),
    ("The United States and China reached a trade deal.", [("USA", "CHN", "05", "asserted")]),
    ("North Korea opened a ferry line to Russia.", [("PRK", "RUS", "06", "asserted")]),
    ("Russia sent humanitarian aid to Syria.", [("RUS", "SYR", "07", "asserted")]),
    ("The United States provided military aid to Ukraine.", [("USA", "UKR", "07", "asserted")]),
    # yield
    ("North Korea released an American student.", [("PRK", "USACVL", "08", "asserted")]),
    ("Russia withdrew its troops from the border.", [("RUS", "-", "08", "asserted")]),
    # investigate, demand
    ("The United Nations investigated the chemical attack.", [("UNO", "-", "09", "asserted")]),
    ("Washington demanded an explanation from Moscow.", [("USAGOV", "RUSGOV", "10", "asserted")]),
    # disapprove
    # the condemnation, and the strike it presupposes
    ("Russia condemned the U.S. missile strike.",
     [("RUS", "USA", "11", "asserted"), ("USA", "-", "19", "asserted")]),
    ("The Kremlin accused Washington of violating international law.",
     [("RUSGOV", "USAGOV", "11", "asserted")]),
    ("China criticized the deployment of THAAD in South Korea.", [("CHN", "-", "11", "asserted")]),
    # reject
    ("Russia vetoed the Security Council resolution on Syria.",
     [("RUS", "UNSC", "12", "asserted")]),
    ("Pyongyang rejected the American demand.", [("PRKGOV", "USA", "12", "asserted")]),
    # threaten
    ("North Korea threatened the United States with a nuclear strike.",
     [("PRK", "USA", "13", "asserted")]),
    ("Moscow warned Washington against further strikes.", [("RUSGOV", "USAGOV", "13", "asserted")]),
    # protest, force posture
    ("Russian protesters demonstrated against the government.",
     [("RUSCVL", "RUSGOV", "14", "asserted")]),
    ("North Korea fired a ballistic missile into the Sea of Japan.",
     [("PRK", "-", "15", "asserted")]),
    ("The United States deployed missile defence batteries in South Korea.",
     [("USA", "KOR", "15", "asserted")]),
    # reduce relations, sanctions
    ("China suspended imports of coal from North Korea.", [("CHN", "PRK", "16", "asserted")]),
    ("The United States imposed sanctions on Russian companies.",
     [("USA", "RUSBUS", "16", "asserted")]),
    ("Sanctions were imposed on Russia by Washington.", [("USAGOV", "RUS", "16", "asserted")]),
    ("Russia expelled American diplomats.", [("RUS", "USAGOV", "16", "asserted")]),
    # coerce, assault, fight, mass violence
    ("Russian police arrested opposition leader Alexei Navalny.",
     [("RUSCOP", "RUSOPP", "17", "asserted")]),
    ("North Korea detained an American citizen.", [("PRK", "USACVL", "17", "asserted")]),
    ("The United States launched missile strikes on a Syrian air base.",
     [("USA", "SYR", "19", "asserted")]),
    ("Ukrainian forces shelled separatist positions near Avdiivka.",
     [("UKRMIL", "-", "19", "asserted")]),
    ("The United States shot down a Syrian jet.", [("USA", "SYR", "19", "asserted")]),
    ("Syrian government forces used chemical weapons against civilians.",
     [("SYR", "CVL", "20", "asserted")]),
    # status: negated, hypothetical, future, desired, reported
    ("Russia did not condemn the missile test.", [("RUS", "-", "11", "negated")]),
    ("Pyongyang never accepted the invitation to talks.", [("PRKGOV", "-", "03", "negated")]),
    ("Russia did not send troops to Ukraine.", [("RUS", "UKR", "15", "negated")]),
    ("Washington could impose further sanctions on Pyongyang.",
     [("USAGOV", "PRKGOV", "16", "hypothetical")]),
    ("If China fails to act, the United States will impose sanctions on North Korea.",
     [("USA", "PRK", "16", "hypothetical")]),
    ("Trump will meet Putin in Hamburg.", [("USAGOV", "RUSGOV", "04", "future")]),
    ("China plans to resume talks with North Korea.", [("CHN", "PRK", "04", "future")]),
    ("U.S. officials hoped Beijing would curb fuel shipments to North Korea.",
     [("CHNGOV", "PRK", "16", "desired")]),
    ("Moscow said Damascus had not used chemical weapons.", [("SYRGOV", "-", "20", "negated")]),
    ("Russian media reported that Chinese troops fired on North Korean soldiers.",
     [("CHNMIL", "PRKMIL", "19", "reported")]),
    # habits and general truths are not asserted events
    ("Russia usually vetoes resolutions critical of Syria.", [("RUS", "SYR", "12", "generic")]),
    ("Whenever Russia vetoes a resolution, Washington condemns the veto.",
     [("RUS", "-", "12", "generic"), ("USAGOV", "-", "11", "generic")]),
    # where the recipient is found
    ("President Trump has suspended aid to El Salvador.", [("USAGOV", "SLV", "16", "asserted")]),
    ("Ethiopia rejected accusations by the United States.", [("ETH", "USA", "01", "asserted")]),
    ("The United Nations called for sanctions against Myanmar.",
     [("UNO", "MMR", "02", "asserted")]),
    ("Trump lifted a travel ban imposed on Chadian citizens.",
     [("USAGOV", "TCD", "08", "asserted")]),
    ("The State Department said it is skeptical about Iranian motives.",
     [("USAGOV", "IRN", "01", "asserted")]),
    ("Moscow threatened to expel American diplomats.",
     [("RUSGOV", "USAGOV", "13", "asserted"), ("RUSGOV", "USAGOV", "16", "hypothetical")]),
    ("The United States agreed to create a joint working group with Russia.",
     [("USA", "RUS", "03", "asserted")]),
    ("The United Nations has suspended aid deliveries in Nigeria.",
     [("UNO", "NGA", "16", "asserted")]),
    # a statement that another must or should act is a demand or an appeal
    ("Russia says Israel must end its attacks on Syria.", [("RUS", "ISR", "10", "asserted")]),
    ("The EU said Serbia should resume talks with Kosovo.",
     [("EUR", "SRB", "02", "asserted"), ("SRB", "XKX", "04", "hypothetical")]),
    # an object reached through the pattern's preposition; an announced event noun
    ("Russia called for negotiations with Ukraine.", [("RUS", "UKR", "02", "asserted")]),
    ("Russia announced a visit to Beijing.", [("RUS", "CHNGOV", "04", "asserted")]),
    # willingness, a misparsed main clause, a passive participle on its object
    ("Germany is willing to provide support to Palestinian refugees.",
     [("DEU", "PSEREF", "07", "future")]),
    ("Russia is unwilling to lift the sanctions on Iran.", [("RUS", "IRN", "12", "asserted")]),
    ("The Iraqi air force carried out at least three air strikes in western Mosul.",
     [("IRQMIL", "-", "19", "asserted")]),
    ("The sanctions imposed on Russia by the United States hurt its economy.",
     [("USA", "RUS", "16", "asserted")]),
    # a light verb's patient is the recipient, the actor's own forces are not
    ("The militants used civilians as human shields.", [("REB", "CVL", "18", "asserted")]),
    ("Russia deployed troops to Syria.", [("RUS", "SYR", "15", "asserted")]),
    ("Israel mobilized the army for an assault against Gaza.", [("ISR", "-", "15", "asserted")]),
    # a deed reaches through its object to the target; words about an event do not
    ("Israeli forces continued their attacks on Hamas.", [("ISRMIL", "HMS", "19", "asserted")]),
    ("Pence has promised support for the Afghan government.",
     [("USAGOV", "AFGGOV", "03", "asserted")]),
    ("ASEAN issued a statement urging North Korea to comply with its obligations.",
     [("ASN", "PRK", "02", "asserted"), ("ASN", "-", "01", "asserted")]),
    ("The court rejected an appeal lodged by Amnesty International.",
     [("JUD", "AMN", "12", "asserted")]),
    # the place inside a material action's recipient phrase; yielding and seizing "from"
    ("Britain is deploying troops to the peacekeeping mission in Mali.",
     [("GBR", "MLI", "15", "asserted")]),
    ("Militias seized weapons from the Iraqi army.", [("REB", "IRQMIL", "17", "asserted")]),
    # a subject the parser hangs on the auxiliary; a gerund of means; a measure noun's content
    ("The United Kingdom and France however have opposed the resolution.",
     [("GBR", "-", "11", "asserted")]),
    ("China continued its efforts by donating medical supplies to Kenya.",
     [("CHN", "KEN", "07", "asserted")]),
    ("Jordan and the United States began a new round of joint military exercises.",
     [("JOR", "USA", "06", "asserted")]),
    # a purpose clause is the subject's ("summoned the ambassador to complain"); force abroad
    ("German officials summoned the Egyptian ambassador in Berlin to complain about a raid.",
     [("DEUGOV", "EGYGOV", "11", "asserted"), ("DEUGOV", "-", "11", "asserted")]),
    ("NATO troops remained on alert in Bosnia.", [("NAT", "BIH", "15", "asserted")]),
    ("Philippine troops remained on alert in Manila.", [("PHLMIL", "-", "15", "asserted")]),
    # a deed in the passive with no agent happened, by an actor the text does not name
    ("The sanctions on Iran were lifted in January.", [("---", "IRN", "08", "asserted")]),
    # the culprit of a copular "guilty of"; an agency that stands for a sector
    ("The Indian army was guilty of violating the ceasefire agreement.",
     [("INDMIL", "-", "19", "asserted")]),
    ("ICE returned five artifacts to the government of Peru.",
     [("USACOP", "PERGOV", "08", "asserted")]),
    # refusals: a cooperative action refused is the matching rejection, and it happened
    ("Putin declined to meet Tillerson.", [("RUSGOV", "USAGOV", "12", "asserted")]),
    ("Putin did not meet Tillerson.", [("RUSGOV", "USAGOV", "04", "negated")]),
    ("Turkey refused to withdraw its troops from Iraq.", [("TUR", "IRQ", "12", "asserted")]),
    ("Biden said he will not lift sanctions on Iran.", [("USAELI", "IRN", "12", "reported")]),
    # "it" does not refer back to a plural phrase; regions are not the United States
    ("The Guatemalan government denied charges by Central American clergymen that it tortured "
     "a priest.", [("GTMGOV", "LAMREL", "01", "asserted"), ("GTMGOV", "REL", "18", "asserted")]),
    ("When Tillerson arrived in Moscow, Lavrov met him.",
     [("USAGOV", "RUSGOV", "04", "asserted"), ("RUSGOV", "USAGOV", "04", "asserted")]),
]


def _matches(ev, actor, recipient, root, status):
    actors = {e.code for e in ev.actor} | {e.country for e in ev.actor if e.country}
    recips = {e.code for e in ev.recipient} | {e.country for e in ev.recipient if e.country}
    return (actor in actors and (recipient == "-" and not ev.recipient or recipient in recips)
            and ev.cameo[:2] == root and ev.status.value == status)


@pytest.mark.parametrize("sentence,expected", CASES, ids=[c[0][:40] for c in CASES])
def test_sentence(coder, sentence, expected):
    events = coder.code(sentence, date="2017-04-12")
    got = [(", ".join(e.code for e in ev.actor), ", ".join(e.code for e in ev.recipient) or "-",
            ev.cameo, ev.status.value, ev.pattern) for ev in events]
    for exp in expected:
        assert any(_matches(ev, *exp) for ev in events), f"expected {exp}, coded {got}"
    roots = {exp[2] for exp in expected}
    assert all(ev.cameo[:2] in roots for ev in events), f"extra events: {got}"


def test_there_are_at_least_forty_sentences_covering_every_status():
    assert len(CASES) >= 40
    statuses = {exp[3] for _, exps in CASES for exp in exps}
    assert statuses == {s.value for s in Status}


def test_reported_event_names_the_claimant(coder):
    (ev,) = [e for e in coder.code("Moscow said Damascus had not used chemical weapons.",
                                   date="2017-04-12") if e.cameo.startswith("20")]
    assert [e.country for e in ev.source_of_claim] == ["RUS"]


def test_roles_resolve_on_the_date_of_the_event(coder):
    def actor(date):
        (ev,) = coder.code("Trump criticized China.", date=date)
        return ev.actor[0]

    assert (actor("2019-06-01").country, actor("2019-06-01").sector) == ("USA", "GOV")
    assert actor("2023-06-01").sector == "ELI"            # out of office
    assert actor("2025-06-01").sector == "GOV"


def test_spans_point_at_actor_action_and_recipient(coder):
    s = "Chinese companies signed a deal with North Korean officials."
    ev, other = coder.code(s, date="2017-04-12")     # a symmetric act: the other direction too
    assert ev.primary and not other.primary
    assert other.spans["actor"] == ev.spans["recipient"] and \
        other.spans["recipient"] == ev.spans["actor"]
    (a0, a1), = ev.spans["actor"]
    (v0, v1), = ev.spans["action"]
    (r0, r1), = ev.spans["recipient"]
    assert s[a0:a1] == "Chinese companies"
    assert s[v0:v1].startswith("signed")
    assert s[r0:r1] == "North Korean officials"


def test_event_ids_are_stable_and_the_output_deterministic(coder):
    text = "Russia condemned the strike. China urged restraint and called for talks."
    one = [e.to_dict() for e in coder.code(text, date="2017-04-07", doc_id="d")]
    two = [e.to_dict() for e in coder.code(text, date="2017-04-07", doc_id="d")]
    assert one == two and len({e["id"] for e in one}) == len(one)


def test_location_is_the_place_of_the_event(coder):
    ev, _ = coder.code("Rex Tillerson met Sergei Lavrov in Moscow.", date="2017-04-12")
    assert ev.location.name == "Moscow" and ev.location.country == "RUS"
    assert [e.country for e in ev.recipient] == ["RUS"]


def test_packaged_lexicon_is_clean_and_reaches_every_root():
    from eventdesk.coding.lexicon import check_lexicon

    problems, stats = check_lexicon()
    assert problems == []
    assert stats["roots"] == 20 and stats["patterns"] >= 350


def test_lexicon_check_reports_each_problem_with_its_line(tmp_path, cli):
    bad = tmp_path / "verbs.tsv"
    bad.write_text("id\tcameo\tpattern\tflags\n"
                   "a\t040\tmeet >with\t\n"
                   "b\t999\tfrobnicate\t\n"          # unknown code
                   "a\t040\tgreet\t\n"               # duplicate id
                   "c\t040\tmeet >with\t\n"          # duplicate of a
                   "d\t111\tmeet >with\t\n"          # conflicts with a
                   "e\t040\t[talk] hold\t\n"         # malformed pattern
                   "f\t040\tx\ty\tz\tw\n")           # too many columns
    r = cli("lexicon", "check", bad)
    assert r.returncode == 3
    for line, what in ((3, "unknown CAMEO code"), (4, "duplicate id"), (5, "duplicates a"),
                       (6, "conflicts with a"), (7, "must start with a verb"), (8, "columns")):
        assert any(f"verbs.tsv:{line}" in l and what in l for l in r.stdout.splitlines()), (line, r.stdout)
