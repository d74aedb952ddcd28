-- The store's tables. The views and macros over them, shared by the indicator files, are in queries/_shared/.
create table if not exists meta (key varchar primary key, value varchar);
create table if not exists area (code varchar primary key, name varchar not null, sort integer not null);
create table if not exists department (code varchar primary key, name varchar not null, note varchar);
create table if not exists metric (
    code varchar primary key, name varchar not null, unit varchar not null,
    department varchar not null references department (code),
    kind varchar not null check (kind in ('flow', 'stock')),
    per_place boolean not null, place_kind varchar,
    min_value double precision, max_value double precision, description varchar
);
create table if not exists place (
    code varchar primary key, name varchar not null, kind varchar not null, parent varchar,
    geometry varchar, label_lng double precision, label_lat double precision, schematic boolean not null default true,
    note varchar, version integer not null default 1
);
create table if not exists place_history (
    code varchar, name varchar, kind varchar, parent varchar, geometry varchar, label_lng double precision,
    label_lat double precision, schematic boolean, note varchar, version integer, replaced_at timestamp,
    replaced_by varchar
);
create sequence if not exists batch_id_seq start 1;
create table if not exists batch (
    id integer primary key default nextval('batch_id_seq'),
    kind varchar not null,            -- figures | targets | projects | places | seed
    user_name varchar not null, created_at timestamp not null,
    file_name varchar, sha256 varchar, rows integer not null default 0,
    status varchar not null default 'committed' check (status in ('committed', 'reverted')),
    demo boolean not null default false, reverted_at timestamp, reverted_by varchar
);
create table if not exists figure (
    metric varchar not null references metric (code), year integer not null,
    month integer not null check (month between 1 and 12), place varchar,
    value double precision, note varchar, batch_id integer not null references batch (id)
);
create table if not exists target (
    indicator varchar not null, year integer not null, value double precision,
    comparator varchar not null check (comparator in ('>=', '<=', '=')),
    rule varchar not null default 'fixed' check (rule in ('fixed', 'last_year')),
    note varchar, batch_id integer not null references batch (id)
);
-- Projects and tasks are keyed by (code, year) since schema 4: a year started from last year's items holds the same
-- named work under the same code (tracker.years), with its own progress.
create table if not exists project (
    code varchar not null, year integer not null, name varchar not null,
    area varchar not null references area (code), department varchar not null references department (code),
    project_type varchar, place varchar, milestone varchar,
    target_stage varchar not null,
    ongoing boolean not null default false,  -- 持续推进: no completion this year, so never 已完成
    start_month integer, finish_month integer, source varchar not null,
    source_year integer,  -- schema 4: the sentence is the source_year report's, copied into a new year: to be checked
    primary key (code, year)
);
create table if not exists project_progress (
    project varchar not null, year integer not null,
    month integer not null check (month between 1 and 12),
    stage varchar not null, percent double precision, note varchar, batch_id integer not null references batch (id),
    problem varchar,  -- 存在问题 (note is the 进展情况)
    foreign key (project, year) references project (code, year)
);
create table if not exists explanation (
    indicator varchar not null, year integer not null, month integer not null,
    text varchar not null, batch_id integer not null references batch (id)
);
create table if not exists users (
    name varchar primary key, department varchar, role varchar not null check (role in ('viewer', 'staff', 'supervisor', 'admin')),
    password_hash varchar not null, disabled boolean not null default false,
    failed_logins integer not null default 0, locked_until timestamp, created_at timestamp not null
);
create sequence if not exists audit_id_seq start 1;
create table if not exists audit (
    id integer primary key default nextval('audit_id_seq'), created_at timestamp not null,
    user_name varchar not null, action varchar not null, detail varchar
);
-- The town's own plan for a named work (planned start and finish months): not the report's words, editable by
-- admins, versioned like figures (the newest committed batch wins; a revert brings the previous plan back).
create table if not exists project_plan (
    project varchar not null, year integer not null,
    start_month integer check (start_month between 1 and 12), finish_month integer check (finish_month between 1 and 12),
    note varchar, batch_id integer not null references batch (id),
    foreign key (project, year) references project (code, year)
);
-- A commitment of the report without a number (an item of kind task): judged from what its lead department reports.
create table if not exists task (
    code varchar not null, year integer not null, name varchar not null,
    area varchar not null references area (code), department varchar not null references department (code),
    deadline_month integer not null default 12 check (deadline_month between 1 and 12),
    qualifier varchar not null default '' check (qualifier in ('', '力争', '确保', '约')),
    ongoing boolean not null default true,  -- a level kept or work pushed all year: done at the deadline when on track
    source varchar not null,
    source_year integer,  -- schema 4: the sentence is the source_year report's, copied into a new year: to be checked
    primary key (code, year)
);
create table if not exists task_progress (
    task varchar not null, year integer not null,
    month integer not null check (month between 1 and 12),
    progress varchar, self_assessment varchar not null check (self_assessment in ('已完成', '正常推进', '滞后')),
    problem varchar, batch_id integer not null references batch (id),
    foreign key (task, year) references task (code, year)
);
-- Who answers for an item beyond its lead department: 配合单位 and 责任领导, set by admins, versioned like figures
-- (the newest committed batch wins; a revert brings the previous assignment back). Seeded from data/items.csv.
create table if not exists item_assignment (
    item varchar not null, year integer not null, kind varchar not null check (kind in ('indicator', 'project', 'task')),
    support_departments varchar not null default '',  -- department codes joined by ','
    leader varchar not null default '', note varchar, batch_id integer not null references batch (id)
);
-- The new report's sentence of a project or task copied into a new year (schema 5), entered by admins and versioned
-- like the assignments: the newest committed batch wins over project.source / task.source and clears the
-- "沿用…待核对" mark; a revert brings the copied sentence and its mark back (view item_source_current).
create table if not exists item_sentence (
    item varchar not null, year integer not null, kind varchar not null check (kind in ('project', 'task')),
    text varchar not null, batch_id integer not null references batch (id)
);
-- Logins (schema 2). A browser holds a random token in an HttpOnly cookie; only its sha256 is stored here. The
-- login form hands the browser a one-time ticket (its sha256 in ticket_hash), which the browser exchanges for
-- the cookie; logout, a disabled account or a new password set revoked_at.
create sequence if not exists session_id_seq start 1;
create table if not exists session (
    id integer primary key default nextval('session_id_seq'),
    user_name varchar not null, token_hash varchar, ticket_hash varchar, ticket_expires timestamp,
    created_at timestamp not null, expires_at timestamp not null, claimed_at timestamp,
    revoked_at timestamp, revoked_reason varchar, address varchar, user_agent varchar
);
-- Failed logins, counted per account name (as typed, normalised, whether it exists or not) at one client address,
-- and per client address over every name: a stranger elsewhere cannot lock the owner out.
-- (users.failed_logins and users.locked_until are no longer used since schema 2.)
create table if not exists login_throttle (
    scope varchar not null check (scope in ('account', 'address')), key varchar not null,
    failures integer not null default 0, locked_until timestamp, last_failure timestamp not null,
    primary key (scope, key)
);
-- Month locks (schema 3): one row per lock; an admin's unlock fills unlocked_by / unlocked_at / reason. A month is
-- locked while it has a row without unlocked_at (or, with no row at all, by the deadline rule of [lock] settings).
create sequence if not exists month_lock_id_seq start 1;
create table if not exists month_lock (
    id integer primary key default nextval('month_lock_id_seq'),
    year integer not null, month integer not null check (month between 1 and 12),
    locked_by varchar not null, locked_at timestamp not null, automatic boolean not null default false,
    unlocked_by varchar, unlocked_at timestamp, reason varchar
);
-- Reviews by the 督查室 (schema 3): a department's submission for a month (item null: its figures and progress), or
-- one indicator's 情况说明 (item = the indicator's code). State accepted | returned; a submission newer than the
-- newest review is 待审核 again.
create sequence if not exists review_event_id_seq start 1;
create table if not exists review_event (
    id integer primary key default nextval('review_event_id_seq'),
    department varchar not null, year integer not null, month integer not null check (month between 1 and 12),
    item varchar, state varchar not null check (state in ('accepted', 'returned')), comment varchar,
    user_name varchar not null, reviewed_at timestamp not null
);
-- 督办事项 (schema 3): an action a supervisor sets on an item (what must be done, by whom, by when), the progress its
-- responsible department reports on it, and its 销号 (closed by a supervisor with evidence). Portable SQL: the store
-- may be PostgreSQL. Nothing is deleted: a closed action keeps its rows.
create sequence if not exists action_id_seq start 1;
create table if not exists action_item (
    id integer primary key default nextval('action_id_seq'),
    item varchar not null, item_kind varchar not null check (item_kind in ('indicator', 'project', 'task')),
    year integer not null, month integer not null check (month between 1 and 12),  -- the month it arose in
    text varchar not null, department varchar not null references department (code),
    leader varchar not null default '',  -- 责任领导: the item's by default, empty when nobody is set
    due date not null, status varchar not null default 'open' check (status in ('open', 'closed')),
    created_by varchar not null, created_at timestamp not null,
    closed_by varchar, closed_at timestamp, evidence varchar
);
create sequence if not exists action_progress_id_seq start 1;
create table if not exists action_progress (
    id integer primary key default nextval('action_progress_id_seq'),
    action_id integer not null references action_item (id), text varchar not null,
    user_name varchar not null, created_at timestamp not null
);
