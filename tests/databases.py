"""Test databases on the machine's real servers: each test gets its own database, created and dropped here.

PostgreSQL (127.0.0.1:5432, trust auth) and MariaDB (127.0.0.1:3306, root without password) run on the
development machines and in CI. Where a server does not answer the tests skip with the reason, unless
PDSCAN_REQUIRE_SERVICES=1 (CI sets it): then they fail, because there they must run.
"""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

PG_ADMIN = dict(host="127.0.0.1", port=5432, user="postgres", dbname="postgres", connect_timeout=5)
MARIA_ADMIN = dict(host="127.0.0.1", port=3306, user="root", password="", connect_timeout=5)
READER = "pdscan_reader"
BIG_ROWS = 1_000_000


def unavailable(what: str, exc: BaseException) -> None:
    reason = f"{what} does not answer ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})"
    if os.environ.get("PDSCAN_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason}; CI needs it (PDSCAN_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


@dataclass
class TestDatabase:
    url: str  # as the scanning user (may not read the secret table)
    admin_url: str
    name: str


def _people(n: int, seed: int) -> list[tuple[str, ...]]:
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from faker import Faker
    from synth import ascii_local, birth_date, hetu, iban_fi, phone, postcode, ytunnus

    fake = Faker("fi_FI")
    Faker.seed(seed)
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        first, last = fake.first_name(), fake.last_name()
        rows.append(
            (
                first,
                last,
                f"{ascii_local(first)}.{ascii_local(last)}@example.fi",
                phone(rng),
                fake.company(),
                ytunnus(rng),
                hetu(rng, birth_date(rng, 1950, 50)),
                iban_fi(rng, spaced=True),
                f"{fake.street_name()} {rng.randint(1, 90)}",
                postcode(rng),
                fake.city(),
                f"Asiakas {first} {last} soitti, numero {phone(rng, 0)}" if rng.random() < 0.4 else "Ei huomioita",
            )
        )
    return rows


SCHEMA_NOTES = {
    # table -> {column: expected entities}; columns not listed must have no finding
    "asiakkaat": {
        "etunimi": {"PERSON"},
        "sukunimi": {"PERSON"},
        "sahkoposti": {"EMAIL_ADDRESS"},
        "puhelin": {"PHONE_NUMBER"},
        "y_tunnus": {"FI_BUSINESS_ID"},
        "katuosoite": {"STREET_ADDRESS"},
        "postinumero": {"FI_POSTAL_CODE"},
        "asiakasnro": {"CUSTOMER_NUMBER"},
    },
    "henkilosto": {"nimi": {"PERSON"}, "hetu": {"FI_PERSONAL_IDENTITY_CODE"}, "tilinumero": {"IBAN_CODE"}},
    "palaute": {"viesti": {"PERSON", "PHONE_NUMBER"}},
    "tilaukset": {"asiakas_id": {"CUSTOMER_NUMBER"}},
    "profiilit": {"tiedot.email": {"EMAIL_ADDRESS"}, "tiedot.puhelin": {"PHONE_NUMBER"}},
    "v_asiakkaat": {"etunimi": {"PERSON"}, "sahkoposti": {"EMAIL_ADDRESS"}},
    "tapahtumat": {"ip": {"IP_ADDRESS"}},
}


@contextmanager
def postgres(with_system_rows: bool = True, big: bool = True) -> Iterator[TestDatabase]:
    try:
        import psycopg
    except ImportError as exc:
        pytest.skip(f"psycopg not installed ({exc})")
    try:
        admin = psycopg.connect(**PG_ADMIN, autocommit=True)  # type: ignore[arg-type]
    except psycopg.OperationalError as exc:
        unavailable("PostgreSQL on 127.0.0.1:5432", exc)
    name = f"pdscan_test_{uuid.uuid4().hex[:10]}"
    reader = f"{READER}_{uuid.uuid4().hex[:6]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    admin.execute(f"CREATE ROLE {reader} LOGIN PASSWORD 'lukija'")
    try:
        with psycopg.connect(**{**PG_ADMIN, "dbname": name}, autocommit=True) as conn:  # type: ignore[arg-type]
            _fill_postgres(conn, with_system_rows, big, reader)
        yield TestDatabase(
            url=f"postgresql+psycopg://{reader}:lukija@127.0.0.1:5432/{name}",
            admin_url=f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}",
            name=name,
        )
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f"DROP ROLE IF EXISTS {reader}")
        admin.close()


def _fill_postgres(conn: object, with_system_rows: bool, big: bool, reader: str) -> None:
    execute = conn.execute  # type: ignore[attr-defined]
    if with_system_rows:
        execute("CREATE EXTENSION IF NOT EXISTS tsm_system_rows")
    execute("""CREATE TABLE asiakkaat (id serial PRIMARY KEY, etunimi text, sukunimi text, sahkoposti text,
        puhelin varchar(40), yritys text, y_tunnus text, katuosoite text, postinumero char(5), kaupunki text,
        asiakasnro integer, kuva bytea, luotu timestamptz DEFAULT '2024-01-01')""")
    execute("""CREATE TABLE henkilosto (id serial PRIMARY KEY, nimi text, hetu text, tilinumero text,
        palkka numeric(10,2), aloitus date)""")
    execute("CREATE TABLE palaute (id bigserial PRIMARY KEY, viesti text)")
    execute("""CREATE TABLE tilaukset (tilausnumero bigint PRIMARY KEY, asiakas_id integer REFERENCES asiakkaat(id),
        tuote text, summa numeric(10,2))""")
    execute("CREATE TABLE profiilit (id serial PRIMARY KEY, tiedot jsonb, tagit text[])")
    execute("CREATE TABLE salaiset (id serial PRIMARY KEY, hetu text)")
    people = _people(300, 11)
    with conn.cursor() as cur:  # type: ignore[attr-defined]
        cur.executemany(
            "INSERT INTO asiakkaat (etunimi, sukunimi, sahkoposti, puhelin, yritys, y_tunnus, katuosoite,"
            " postinumero, kaupunki, asiakasnro, kuva) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
            [
                (p[0], p[1], p[2], p[3], p[4], p[5], p[8], p[9], p[10], 1000 + i, b"\x89PNG")
                for i, p in enumerate(people)
            ],
        )
        cur.executemany(
            "INSERT INTO henkilosto (nimi, hetu, tilinumero, palkka, aloitus) VALUES (%s,%s,%s,%s,'2020-01-01')",
            [(f"{p[0]} {p[1]}", p[6], p[7], 3500) for p in people[:120]],
        )
        cur.executemany("INSERT INTO palaute (viesti) VALUES (%s)", [(p[11],) for p in people])
        cur.executemany(
            "INSERT INTO tilaukset VALUES (%s, %s, %s, %s)",
            [(2024000000 + i, 1 + i % 300, "Kahvinkeitin", 49.9) for i in range(500)],
        )
        cur.executemany(
            "INSERT INTO profiilit (tiedot, tagit) VALUES (%s::jsonb, %s)",
            [
                (f'{{"email": "{p[2]}", "puhelin": "{p[3]}", "asetukset": {{"kieli": "fi"}}}}', ["asiakas", "fi"])
                for p in people[:100]
            ],
        )
        cur.execute("INSERT INTO salaiset (hetu) VALUES ('131052-308T')")
    execute("CREATE VIEW v_asiakkaat AS SELECT etunimi, sahkoposti FROM asiakkaat")
    rows = BIG_ROWS if big else 20_000
    execute(f"""CREATE TABLE tapahtumat AS SELECT g::bigint AS id, 'kirjautuminen ' || (g % 7) AS kuvaus,
        '10.' || (g % 250) || '.' || (g % 200) || '.' || (1 + g % 250) AS ip FROM generate_series(1, {rows}) g""")
    execute("ALTER TABLE tapahtumat ADD PRIMARY KEY (id)")
    execute("ANALYZE")
    execute(
        f"GRANT SELECT ON asiakkaat, henkilosto, palaute, tilaukset, profiilit, v_asiakkaat, tapahtumat TO {reader}"
    )
    execute(f"REVOKE ALL ON salaiset FROM {reader}")


@contextmanager
def mariadb(big: bool = False) -> Iterator[TestDatabase]:
    try:
        import pymysql
    except ImportError as exc:
        pytest.skip(f"pymysql not installed ({exc})")
    try:
        admin = pymysql.connect(**MARIA_ADMIN, autocommit=True)  # type: ignore[arg-type]
    except pymysql.err.OperationalError as exc:
        unavailable("MariaDB on 127.0.0.1:3306", exc)
    name = f"pdscan_test_{uuid.uuid4().hex[:10]}"
    user = f"pdscan_r_{uuid.uuid4().hex[:6]}"
    with admin.cursor() as cur:
        cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
        cur.execute(f"CREATE USER '{user}'@'%' IDENTIFIED BY 'lukija'")
        cur.execute(f"CREATE USER '{user}'@'localhost' IDENTIFIED BY 'lukija'")
    try:
        conn = pymysql.connect(**{**MARIA_ADMIN, "database": name}, autocommit=True)  # type: ignore[arg-type]
        with conn.cursor() as cur:
            _fill_mariadb(cur, big)
            for host in ("%", "localhost"):
                for table in (
                    "asiakkaat",
                    "henkilosto",
                    "palaute",
                    "tilaukset",
                    "profiilit",
                    "v_asiakkaat",
                    "tapahtumat",
                ):
                    # SHOW VIEW lets the scanning user read a view's definition, which reflection needs.
                    cur.execute(f"GRANT SELECT, SHOW VIEW ON `{name}`.`{table}` TO '{user}'@'{host}'")
        conn.close()
        yield TestDatabase(
            url=f"mysql+pymysql://{user}:lukija@127.0.0.1:3306/{name}",
            admin_url=f"mysql+pymysql://root@127.0.0.1:3306/{name}",
            name=name,
        )
    finally:
        with admin.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
            cur.execute(f"DROP USER IF EXISTS '{user}'@'%'")
            cur.execute(f"DROP USER IF EXISTS '{user}'@'localhost'")
        admin.close()


def _fill_mariadb(cur: object, big: bool) -> None:
    execute = cur.execute  # type: ignore[attr-defined]
    execute("""CREATE TABLE asiakkaat (id INT AUTO_INCREMENT PRIMARY KEY, etunimi VARCHAR(80), sukunimi VARCHAR(80),
        sahkoposti VARCHAR(200), puhelin VARCHAR(40), yritys VARCHAR(200), y_tunnus VARCHAR(12),
        katuosoite VARCHAR(200), postinumero CHAR(5), kaupunki VARCHAR(80), asiakasnro INT, kuva BLOB,
        luotu DATETIME DEFAULT '2024-01-01')""")
    execute("""CREATE TABLE henkilosto (id INT AUTO_INCREMENT PRIMARY KEY, nimi VARCHAR(120), hetu CHAR(11),
        tilinumero VARCHAR(40), palkka DECIMAL(10,2), aloitus DATE)""")
    execute("CREATE TABLE palaute (id BIGINT AUTO_INCREMENT PRIMARY KEY, viesti TEXT)")
    execute(
        "CREATE TABLE tilaukset (tilausnumero BIGINT PRIMARY KEY, asiakas_id INT, tuote VARCHAR(80),"
        " summa DECIMAL(10,2))"
    )
    execute("CREATE TABLE profiilit (id INT AUTO_INCREMENT PRIMARY KEY, tiedot JSON)")
    execute("CREATE TABLE salaiset (id INT AUTO_INCREMENT PRIMARY KEY, hetu CHAR(11))")
    people = _people(300, 12)
    cur.executemany(  # type: ignore[attr-defined]
        "INSERT INTO asiakkaat (etunimi, sukunimi, sahkoposti, puhelin, yritys, y_tunnus, katuosoite, postinumero,"
        " kaupunki, asiakasnro, kuva) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
        [(p[0], p[1], p[2], p[3], p[4], p[5], p[8], p[9], p[10], 1000 + i, b"\x89PNG") for i, p in enumerate(people)],
    )
    cur.executemany(  # type: ignore[attr-defined]
        "INSERT INTO henkilosto (nimi, hetu, tilinumero, palkka, aloitus) VALUES (%s,%s,%s,%s,'2020-01-01')",
        [(f"{p[0]} {p[1]}", p[6], p[7], 3500) for p in people[:120]],
    )
    cur.executemany("INSERT INTO palaute (viesti) VALUES (%s)", [(p[11],) for p in people])  # type: ignore[attr-defined]
    cur.executemany(  # type: ignore[attr-defined]
        "INSERT INTO tilaukset VALUES (%s, %s, %s, %s)",
        [(2024000000 + i, 1 + i % 300, "Kahvinkeitin", 49.9) for i in range(500)],
    )
    cur.executemany(  # type: ignore[attr-defined]
        "INSERT INTO profiilit (tiedot) VALUES (%s)",
        [(f'{{"email": "{p[2]}", "puhelin": "{p[3]}", "asetukset": {{"kieli": "fi"}}}}',) for p in people[:100]],
    )
    execute("INSERT INTO salaiset (hetu) VALUES ('131052-308T')")
    execute("CREATE VIEW v_asiakkaat AS SELECT etunimi, sahkoposti FROM asiakkaat")
    rows = BIG_ROWS if big else 50_000
    execute(f"""CREATE TABLE tapahtumat (id BIGINT PRIMARY KEY, kuvaus VARCHAR(40), ip VARCHAR(20))
        SELECT seq AS id, CONCAT('kirjautuminen ', seq % 7) AS kuvaus,
        CONCAT('10.', seq % 250, '.', seq % 200, '.', 1 + seq % 250) AS ip FROM seq_1_to_{rows}""")
    execute("ANALYZE TABLE tapahtumat, asiakkaat")


@contextmanager
def postgres_empty() -> Iterator[str]:
    """An empty PostgreSQL database of its own (for an inventory): yields its SQLAlchemy URL, drops it after."""
    try:
        import psycopg
    except ImportError as exc:
        pytest.skip(f"psycopg not installed ({exc})")
    try:
        admin = psycopg.connect(**PG_ADMIN, autocommit=True)  # type: ignore[arg-type]
    except psycopg.OperationalError as exc:
        unavailable("PostgreSQL on 127.0.0.1:5432", exc)
    name = f"pdscan_inv_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@contextmanager
def mariadb_empty() -> Iterator[tuple[str, str]]:
    """An empty MariaDB database of its own: (SQLAlchemy URL, database name), dropped after."""
    try:
        import pymysql
    except ImportError as exc:
        pytest.skip(f"pymysql not installed ({exc})")
    try:
        admin = pymysql.connect(**MARIA_ADMIN, autocommit=True)  # type: ignore[arg-type]
    except pymysql.err.OperationalError as exc:
        unavailable("MariaDB on 127.0.0.1:3306", exc)
    name = f"pdscan_test_{uuid.uuid4().hex[:10]}"
    with admin.cursor() as cur:
        cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    try:
        yield f"mysql+pymysql://root@127.0.0.1:3306/{name}", name
    finally:
        with admin.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
        admin.close()
