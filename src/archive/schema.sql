-- tongbao archive, schema version 1.
-- Every submission is kept with its original bytes, whether accepted or rejected; the
-- current return of a unit and period is its latest accepted version.

CREATE TABLE submission (
    id            INTEGER PRIMARY KEY,
    unit_code     TEXT,                 -- NULL when the unit could not be read
    period        TEXT,                 -- YYYY-MM, NULL when it could not be read
    version       INTEGER,              -- 1, 2, … per (unit_code, period); NULL if unkeyed
    file_name     TEXT    NOT NULL,
    sha256        TEXT    NOT NULL,
    received_at   TEXT    NOT NULL,     -- RFC 3339, UTC
    status        TEXT    NOT NULL CHECK (status IN ('accepted', 'rejected')),
    superseded_by INTEGER REFERENCES submission(id),
    header_json   TEXT    NOT NULL,     -- 填报人, 联系电话, … as read
    bytes         BLOB    NOT NULL,     -- the file as received: nothing is ever lost
    UNIQUE (unit_code, period, version)
);
CREATE INDEX submission_by_period ON submission(period, unit_code);
CREATE INDEX submission_by_sha ON submission(sha256);

CREATE TABLE project (
    submission_id      INTEGER NOT NULL REFERENCES submission(id),
    row                INTEGER NOT NULL,
    identity           TEXT    NOT NULL,
    project_code       TEXT,
    name               TEXT    NOT NULL,
    investor           TEXT    NOT NULL,
    origin             TEXT,
    funds_source       TEXT,
    industry           TEXT    NOT NULL,
    kind               TEXT,
    stage              TEXT    NOT NULL,
    signed_on          TEXT,
    contract_amount    INTEGER,          -- hundredths of 万元
    contract_fdi       INTEGER NOT NULL, -- hundredths of 万美元
    started_on         TEXT,
    funds_month        INTEGER NOT NULL,
    funds_ytd          INTEGER NOT NULL,
    fdi_month          INTEGER NOT NULL,
    fdi_ytd            INTEGER NOT NULL,
    fortune500         INTEGER,
    note               TEXT
);
CREATE INDEX project_by_submission ON project(submission_id);

CREATE TABLE indicator (
    submission_id INTEGER NOT NULL REFERENCES submission(id),
    indicator     TEXT    NOT NULL,
    month         INTEGER,
    ytd           INTEGER,
    last_year_ytd INTEGER
);

CREATE TABLE diagnostic (
    submission_id INTEGER NOT NULL REFERENCES submission(id),
    severity      TEXT    NOT NULL,
    code          TEXT    NOT NULL,
    sheet         TEXT,
    cell          TEXT,
    row           INTEGER,
    value         TEXT,
    message_zh    TEXT    NOT NULL,
    hint_zh       TEXT    NOT NULL,
    message_en    TEXT    NOT NULL,
    hint_en       TEXT    NOT NULL
);
