-- wb database schema. This file is the single source of the schema: it is
-- compiled into every utility and applied to a new database. It is also a
-- public interface, documented in wb(7): query it with sqlite3 directly.
--
-- Conventions: times are Unix seconds (UTC) in INTEGER columns named *_at
-- or ts; phone numbers are E.164 digits without '+', as WhatsApp's wa_id;
-- user IDs (user_id) are Meta's business-scoped user IDs as received.
-- Changes to an existing database go through migrations keyed on
-- PRAGMA user_version (lib/db.c); this file always describes the newest.

-- People the business talks to (a WhatsApp chat). A contact is known by its
-- phone number, its business-scoped user ID (Meta's BSUID), or both: users
-- with a username may write without sharing their number. wb-recv links the
-- two when a delivery carries both, and merges contacts found by each.
CREATE TABLE contact (
	id           INTEGER PRIMARY KEY,
	wa_id        TEXT UNIQUE,                   -- E.164 digits, no '+'; NULL when not shared
	user_id      TEXT UNIQUE,                   -- business-scoped user ID: CC. and up to 128
	                                            -- letters and digits; NULL before 2026
	parent_user_id TEXT,                        -- CC.ENT.…, managed businesses only
	username     TEXT,                          -- their WhatsApp username, as last seen
	name         TEXT,                          -- the business's name for them
	profile_name TEXT,                          -- their WhatsApp profile name
	opted_out    INTEGER NOT NULL DEFAULT 0,    -- 1: no broadcasts, no auto replies
	opted_out_at INTEGER,
	marketing_stop    INTEGER NOT NULL DEFAULT 0, -- 1: they stopped marketing messages in
	marketing_stop_at INTEGER,                  -- WhatsApp (user_preferences): no broadcasts
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL,
	last_in_at   INTEGER,                       -- their last message (the 24-hour window)
	last_out_at  INTEGER,                       -- our last message to them
	attrs        TEXT NOT NULL DEFAULT '{}',    -- free-form attributes (CRM fields) as a
	                                            -- JSON object of strings; {{key}} in messages
	CHECK (wa_id IS NOT NULL OR user_id IS NOT NULL)
);
-- partial: contacts who never wrote (a fresh CRM import) cost no index entry
CREATE INDEX contact_last_in ON contact(last_in_at) WHERE last_in_at IS NOT NULL;

-- The attributes one row each, for queries by hand: SELECT … FROM
-- contact_attr WHERE key = 'city'. They live in contact.attrs because a
-- 100k-row CRM import then writes one row per contact, not one per field.
CREATE VIEW contact_attr (contact_id, key, value) AS
	SELECT c.id, a.key, a.value FROM contact c, json_each(c.attrs) a;

-- Identifiers a contact had before: the phone and user ID it changed from
-- (system messages user_changed_number and user_changed_user_id). A former
-- user ID still finds the contact; a former phone is history only (numbers
-- are given to new people).
CREATE TABLE contact_alias (
	kind       TEXT NOT NULL CHECK (kind IN ('phone', 'user_id')),
	value      TEXT NOT NULL,
	contact_id INTEGER NOT NULL REFERENCES contact(id) ON DELETE CASCADE,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (kind, value)
) WITHOUT ROWID;

-- Labels, as in the WhatsApp Business app: on chats and on single messages.
CREATE TABLE label (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
	color      INTEGER NOT NULL DEFAULT 1 CHECK (color BETWEEN 1 AND 20),
	created_at INTEGER NOT NULL
);
CREATE TABLE contact_label (
	contact_id INTEGER NOT NULL REFERENCES contact(id) ON DELETE CASCADE,
	label_id   INTEGER NOT NULL REFERENCES label(id) ON DELETE CASCADE,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (contact_id, label_id)
) WITHOUT ROWID;
CREATE INDEX contact_label_by_label ON contact_label(label_id, contact_id);

-- Broadcasts: one send to a segment, named with wb-send --name.
CREATE TABLE broadcast (
	id         INTEGER PRIMARY KEY,
	name       TEXT,
	agent      TEXT,
	spec       TEXT,                            -- the command's options, as JSON
	created_at INTEGER NOT NULL,
	kind       TEXT NOT NULL DEFAULT 'marketing' -- wb-send --kind: marketing (a segment; the
	           CHECK (kind IN ('marketing', 'utility'))  -- frequency cap counts these) or utility
);

-- Every message, both ways. Outbound rows exist before they are sent.
CREATE TABLE message (
	id          INTEGER PRIMARY KEY,
	wamid       TEXT UNIQUE,                    -- Cloud API id; NULL until accepted
	contact_id  INTEGER NOT NULL REFERENCES contact(id) ON DELETE CASCADE,
	direction   TEXT NOT NULL CHECK (direction IN ('in', 'out')),
	type        TEXT NOT NULL,                  -- text image audio video document sticker
	                                            -- location contacts button interactive
	                                            -- reaction template unsupported …
	body        TEXT,                           -- text, caption, or a short rendering
	media_id    TEXT,
	media_mime  TEXT,
	reply_to    TEXT,                           -- the wamid it quotes
	payload     TEXT,                           -- in: the message JSON as received;
	                                            -- out: the request body sent to the API
	ts          INTEGER NOT NULL,               -- in: the customer's time; out: created
	status      TEXT NOT NULL,                  -- in: received; out: queued sending sent
	                                            -- delivered read failed unknown cancelled
	status_at   INTEGER,
	due_at      INTEGER,                        -- out: not before (wb-send --at)
	next_try_at INTEGER,                        -- out: after a retryable failure
	attempts    INTEGER NOT NULL DEFAULT 0,
	forced      INTEGER NOT NULL DEFAULT 0,     -- out: wb-send --force: outside the 24-hour
	                                            -- window or to an opted-out contact
	claimed_by  TEXT,                           -- out: the process sending it (pid@boot)
	claimed_at  INTEGER,
	sent_at     INTEGER,
	delivered_at INTEGER,
	read_at     INTEGER,                        -- out: the customer read it; in: the business
	                                            -- did (an agent opened it; wb(7), --unread)
	error_code  INTEGER,
	error_text  TEXT,
	agent       TEXT,                           -- who sent it (wb-send --agent, WB_AGENT)
	auto        TEXT,                           -- away greeting keyword: automatic replies
	broadcast_id INTEGER REFERENCES broadcast(id) ON DELETE SET NULL,
	idem_key    TEXT,                           -- wb-send --key: sent at most once (message_by_key)
	kind        TEXT CHECK (kind IN ('marketing', 'utility')), -- out: wb-send --kind; in: NULL
	tag         TEXT,                           -- out: wb-send --tag, sent as
	                                            -- biz_opaque_callback_data
	phone_number_id TEXT,                       -- the business number it came to or went from
	                                            -- (metadata.phone_number_id); NULL: WB_PHONE_ID
	source      TEXT,                           -- out: NULL sent by wb; 'app' from the WhatsApp
	                                            -- Business app (an echo); 'history' history sync
	edited_at   INTEGER,                        -- the sender edited it: body is the new text
	deleted_at  INTEGER,                        -- the sender deleted it (revoke)
	media_path  TEXT                            -- in: where wb-media get saved its medium
);
-- A contact's message log in time order. It also covers what wb-stats
-- (lib/stats.c) reads as it follows conversations contact by contact, so
-- that walk is one sequential scan instead of a table lookup per message
-- (about 4x faster at 10M messages, for about half again the table's size).
CREATE INDEX message_by_contact ON message(contact_id, ts, direction, status, sent_at, auto,
	broadcast_id, agent);
CREATE INDEX message_by_ts ON message(ts);
-- A broadcast reaches each contact once: wb-send deduplicates recipients
-- with this index (INSERT … ON CONFLICT DO NOTHING), so a million-row
-- broadcast holds no set of phones in memory.
CREATE UNIQUE INDEX message_broadcast_contact ON message(broadcast_id, contact_id)
	WHERE broadcast_id IS NOT NULL;
CREATE INDEX message_pending ON message(due_at)
	WHERE direction = 'out' AND status IN ('queued', 'sending');
-- wb-send --key: a key is used once. Partial: an inbound message (no key)
-- costs no entry.
CREATE UNIQUE INDEX message_by_key ON message(idem_key) WHERE idem_key IS NOT NULL;
-- Every message's text for wb-contact search: FTS5 over message.body (the
-- index only; the text is read from message), trigram-tokenized so any
-- substring of 3 characters or more matches, in any script (unicode61
-- would not split Chinese or Japanese into words). New messages are not
-- indexed as they are stored (that halved wb-recv's ingest): wb-contact
-- search first indexes the messages after message_fts_upto.upto (the
-- newest id indexed) in one short transaction. The triggers keep the rows
-- already indexed right: an edited body, a deleted message; and they
-- bring upto down when the newest messages are deleted, since SQLite
-- gives their ids to the next ones. (Each on one line, as the migration
-- writes it, so that a migrated database's schema reads the same.)
CREATE VIRTUAL TABLE message_fts USING fts5(body, content='message', content_rowid='id', tokenize='trigram');
CREATE TABLE message_fts_upto (id INTEGER PRIMARY KEY CHECK (id = 1), upto INTEGER NOT NULL);
INSERT INTO message_fts_upto VALUES (1, 0);
CREATE TRIGGER message_fts_delete AFTER DELETE ON message BEGIN INSERT INTO message_fts(message_fts, rowid, body) SELECT 'delete', old.id, old.body WHERE old.id <= (SELECT upto FROM message_fts_upto); UPDATE message_fts_upto SET upto = (SELECT coalesce(max(id), 0) FROM message) WHERE upto > (SELECT coalesce(max(id), 0) FROM message); END;
CREATE TRIGGER message_fts_update AFTER UPDATE OF body ON message WHEN old.id <= (SELECT upto FROM message_fts_upto) BEGIN INSERT INTO message_fts(message_fts, rowid, body) VALUES ('delete', old.id, old.body); INSERT INTO message_fts(rowid, body) VALUES (new.id, new.body); END;

CREATE TABLE message_label (
	message_id INTEGER NOT NULL REFERENCES message(id) ON DELETE CASCADE,
	label_id   INTEGER NOT NULL REFERENCES label(id) ON DELETE CASCADE,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (message_id, label_id)
) WITHOUT ROWID;

-- Status history: every status reported for a message, ours and Meta's
-- webhooks. A status for a wamid not (yet) in message waits here and is
-- applied when the message appears. A message to a group has a status per
-- member (participant).
CREATE TABLE status_event (
	id         INTEGER PRIMARY KEY,
	wamid      TEXT NOT NULL,
	status     TEXT NOT NULL,                   -- sent delivered read played failed
	ts         INTEGER NOT NULL,
	error_code INTEGER,
	error_text TEXT,                            -- the error's details, else its message
	recipient  TEXT,                            -- recipient_id: their phone, or the group's id
	recipient_user_id TEXT,                     -- their business-scoped user ID
	participant TEXT NOT NULL DEFAULT '',       -- a group's member: phone, else user ID
	phone_number_id TEXT,                       -- the business number it went from
	callback_data TEXT,                         -- biz_opaque_callback_data, as the send set it
	error_title TEXT,
	error_href TEXT,
	payload    TEXT,                            -- the status as received (pricing,
	                                            -- conversation…); NULL for wb's own
	UNIQUE (wamid, status, participant)
);

-- Edits and deletions of messages (by the customer, or in the WhatsApp
-- Business app): each once, by its own id. An edit replaces the body of
-- the message it names; a deletion marks it deleted.
CREATE TABLE message_change (
	wamid      TEXT PRIMARY KEY,                -- the edit's or deletion's own id
	target     TEXT NOT NULL,                   -- the wamid of the message it changes
	kind       TEXT NOT NULL CHECK (kind IN ('edit', 'revoke')),
	ts         INTEGER NOT NULL,
	payload    TEXT NOT NULL                    -- as received
) WITHOUT ROWID;
CREATE INDEX message_change_by_target ON message_change(target);

-- WhatsApp calls, one row per call (wacid), from the calls webhook.
CREATE TABLE call (
	id          INTEGER PRIMARY KEY,
	wacid       TEXT NOT NULL UNIQUE,
	contact_id  INTEGER NOT NULL REFERENCES contact(id) ON DELETE CASCADE,
	direction   TEXT NOT NULL CHECK (direction IN ('in', 'out')), -- in: they called
	phone_number_id TEXT,                       -- the business number
	status      TEXT NOT NULL,                  -- the latest: connect ringing accepted rejected
	                                            -- completed failed …
	started_at  INTEGER,
	ended_at    INTEGER,
	duration    INTEGER,                        -- seconds, when it was answered
	callback_data TEXT,
	error_code  INTEGER,
	error_text  TEXT,
	ts          INTEGER NOT NULL,               -- its first event
	updated_at  INTEGER NOT NULL                -- its latest event
);
CREATE INDEX call_by_contact ON call(contact_id, ts);
-- Each event of a call once, as received.
CREATE TABLE call_event (
	wacid      TEXT NOT NULL,
	event      TEXT NOT NULL,                   -- connect terminate RINGING ACCEPTED …
	ts         INTEGER NOT NULL,
	payload    TEXT NOT NULL,
	PRIMARY KEY (wacid, event)
) WITHOUT ROWID;

-- Webhook changes that are not about one chat: template status, quality
-- and category updates, account and phone-number updates, error reports,
-- and fields wb does not model yet (known 0), each kept raw, once.
CREATE TABLE webhook_change (
	id          INTEGER PRIMARY KEY,
	field       TEXT NOT NULL,                  -- message_template_status_update, account_update, …
	waba_id     TEXT,                           -- entry.id: the WhatsApp Business Account
	ts          INTEGER,                        -- entry.time, or the value's own time
	event       TEXT,                           -- event, new_quality_score, new_category, status
	template_id TEXT,                           -- message_template_id, digits
	template_name TEXT,
	template_language TEXT,
	value       TEXT NOT NULL,                  -- the change's value as received (JSON)
	known       INTEGER NOT NULL,               -- 0: a field wb does not model
	received_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX webhook_change_once ON webhook_change(field, coalesce(waba_id, ''),
	coalesce(ts, 0), value);
CREATE INDEX webhook_change_by_template ON webhook_change(template_id, ts)
	WHERE template_id IS NOT NULL;

-- What wb-recv could not take (a message without an id, a value that is not
-- an object, a document that is not JSON), kept for wb-recv retry. Its
-- neighbours in the same delivery are stored as usual.
CREATE TABLE quarantine (
	id          INTEGER PRIMARY KEY,
	source      TEXT NOT NULL,                  -- the file (or stdin) it came in, or 'listener'
	byte_offset INTEGER,                        -- where its document starts in that file
	path        TEXT NOT NULL,                  -- the part: entry[1].changes[0].value.messages[0];
	                                            -- '' the whole document
	reason      TEXT NOT NULL,
	raw         TEXT NOT NULL,                  -- a webhook document holding just that part (with
	                                            -- its entry and change), or the text as received
	created_at  INTEGER NOT NULL,
	tried_at    INTEGER                         -- the last wb-recv retry that could not take it
);
CREATE UNIQUE INDEX quarantine_once ON quarantine(raw);

-- Quick replies (/shortcut → text) and the keywords that trigger them.
CREATE TABLE quick_reply (
	id         INTEGER PRIMARY KEY,
	shortcut   TEXT NOT NULL UNIQUE,            -- without the leading '/'
	text       TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	media_type TEXT CHECK (media_type IN ('image', 'document')), -- a medium sent with the text
	media      TEXT                             -- its file (absolute path), URL or media id
);
CREATE TABLE keyword (
	word           TEXT PRIMARY KEY COLLATE NOCASE,
	quick_reply_id INTEGER NOT NULL REFERENCES quick_reply(id) ON DELETE CASCADE
);

-- One decision of wb-reply auto per inbound message: what it answered
-- (kind none when it answered nothing). Makes replays idempotent.
CREATE TABLE auto_reply (
	inbound_wamid TEXT PRIMARY KEY,
	contact_id    INTEGER NOT NULL REFERENCES contact(id) ON DELETE CASCADE,
	kind          TEXT NOT NULL CHECK (kind IN ('away', 'greeting', 'keyword', 'follow_up', 'none')),
	ts            INTEGER NOT NULL,            -- the inbound message's time
	decided_at    INTEGER NOT NULL
);
CREATE INDEX auto_reply_by_contact ON auto_reply(contact_id, kind, ts);

-- Opening hours: ranges per weekday (0 = Monday), minutes from midnight in
-- the business time zone; close_min may be 1440. Setting hours.mode says
-- whether they apply ('hours'), or the business is 'always' open or by
-- 'appointment' only.
CREATE TABLE hours (
	day       INTEGER NOT NULL CHECK (day BETWEEN 0 AND 6),
	open_min  INTEGER NOT NULL CHECK (open_min BETWEEN 0 AND 1439),
	close_min INTEGER NOT NULL CHECK (close_min BETWEEN 1 AND 1440),
	PRIMARY KEY (day, open_min)
) WITHOUT ROWID;
-- Holidays and special days: a date with ranges replaces that weekday; a
-- date with one row of NULLs is closed all day.
CREATE TABLE hours_exception (
	date      TEXT NOT NULL,                    -- YYYY-MM-DD, business time zone
	open_min  INTEGER,
	close_min INTEGER
);
CREATE INDEX hours_exception_by_date ON hours_exception(date);

-- Message templates as the Cloud API has them (wb-template sync), kept up
-- to date by the template webhooks wb-recv takes in. wb-send checks every
-- template send against them. A template no longer listed upstream keeps
-- its row, with gone_at set.
CREATE TABLE template (
	id          INTEGER PRIMARY KEY,
	name        TEXT NOT NULL,
	lang        TEXT NOT NULL,                  -- en_US, pt_BR …
	meta_id     TEXT,                           -- Meta's template id
	category    TEXT,                           -- MARKETING UTILITY AUTHENTICATION
	status      TEXT,                           -- APPROVED PENDING REJECTED PAUSED DISABLED
	                                            -- PENDING_DELETION DELETED …; NULL: not
	                                            -- known (a quality webhook named it)
	reason      TEXT,                           -- why the status or category last changed
	quality     TEXT,                           -- GREEN YELLOW RED UNKNOWN
	named       INTEGER NOT NULL DEFAULT 0,     -- 1: {{first_name}} parameters; 0: {{1}}
	definition  TEXT,                           -- Meta's JSON object; NULL when only a
	                                            -- webhook has named the template
	synced_at   INTEGER,                        -- last listed by wb-template sync
	updated_at  INTEGER NOT NULL,
	gone_at     INTEGER,                        -- no longer listed upstream
	UNIQUE (name, lang)
);
-- Each parameter a template takes, for queries by hand (wb-send reads the
-- definition itself).
CREATE TABLE template_slot (
	template_id INTEGER NOT NULL REFERENCES template(id) ON DELETE CASCADE,
	component   TEXT NOT NULL,                  -- header body button
	position    INTEGER NOT NULL,               -- order in the body; a button's index
	name        TEXT,                           -- 1, 2 … or the named parameter
	kind        TEXT NOT NULL,                  -- text image video document location
	                                            -- url coupon_code payload flow
	example     TEXT,
	PRIMARY KEY (template_id, component, position)
) WITHOUT ROWID;
-- The messaging limit counts the unique customers template-messaged in a
-- rolling 24 hours: their messages by the time they go.
CREATE INDEX message_template_reach ON message(coalesce(due_at, ts), contact_id)
	WHERE direction = 'out' AND type = 'template';
-- The shared inbox (wb-inbox, wb-agent): the people who answer
-- customers, the conversations they answer, what happened to each and
-- their private notes. wb(7) gives the rules: when a customer message
-- opens or reopens a conversation, when a reply makes it pending.
-- An agent's name is what WB_AGENT and wb-send --agent say.
CREATE TABLE agent (
	name          TEXT PRIMARY KEY,
	display       TEXT,                         -- a name for people
	on_duty       INTEGER NOT NULL DEFAULT 1,
	created_at    INTEGER NOT NULL,
	last_assigned INTEGER                       -- the inbox version of their last assignment:
	                                            -- round robin gives the next to the smallest
) WITHOUT ROWID;
-- At most one conversation per contact is open or pending (the partial
-- unique index); resolved ones stay as history.
CREATE TABLE conversation (
	id                INTEGER PRIMARY KEY,
	contact_id        INTEGER NOT NULL REFERENCES contact(id) ON DELETE CASCADE,
	state             TEXT NOT NULL CHECK (state IN ('open', 'pending', 'resolved')),
	assignee          TEXT REFERENCES agent(name) ON DELETE SET NULL, -- NULL: in the queue
	opened_at         INTEGER NOT NULL,         -- the customer message that opened it
	waiting_since     INTEGER,                  -- open: their first message not answered yet
	last_in_at        INTEGER,                  -- their last message in it
	unread            INTEGER NOT NULL DEFAULT 0, -- their messages since our last reply or read mark
	assigned_at       INTEGER,
	first_response_at INTEGER,                  -- our first reply
	first_response_by TEXT,                     -- the agent who sent it
	resolved_at       INTEGER,
	version           INTEGER NOT NULL          -- inbox_version.version when it last changed
);
CREATE UNIQUE INDEX conversation_current ON conversation(contact_id) WHERE state != 'resolved';
CREATE INDEX conversation_by_contact ON conversation(contact_id, id);
CREATE INDEX conversation_queue ON conversation(state, waiting_since);
-- No index on version: a console's "changed since" reads the state's
-- index (the planner's choice with or without one), and a message would
-- rewrite its entry each time.
-- What happened to each conversation, for wb-stats --by agent and by hand.
CREATE TABLE conversation_event (
	id              INTEGER PRIMARY KEY,
	conversation_id INTEGER NOT NULL REFERENCES conversation(id) ON DELETE CASCADE,
	ts              INTEGER NOT NULL,
	kind            TEXT NOT NULL CHECK (kind IN ('opened', 'reopened', 'assigned', 'unassigned',
	                                              'answered', 'resolved')),
	agent           TEXT,                       -- assigned: to whom; unassigned: from whom;
	                                            -- answered: who replied; resolved: the assignee
	actor           TEXT                        -- who did it (WB_AGENT); NULL: wb itself
);
CREATE INDEX conversation_event_by_conversation ON conversation_event(conversation_id, id);
CREATE INDEX conversation_event_by_ts ON conversation_event(ts);
-- Private notes on a contact: never sent; wb-contact log shows them.
CREATE TABLE note (
	id              INTEGER PRIMARY KEY,
	contact_id      INTEGER NOT NULL REFERENCES contact(id) ON DELETE CASCADE,
	conversation_id INTEGER REFERENCES conversation(id) ON DELETE SET NULL,
	agent           TEXT,
	text            TEXT NOT NULL,
	created_at      INTEGER NOT NULL
);
CREATE INDEX note_by_contact ON note(contact_id, created_at);
-- The inbox's change counter: a table of its own, not a setting, so that
-- a conversation's change does not move settings_version (which makes
-- wb-reply auto read its settings again).
CREATE TABLE inbox_version (
	id      INTEGER PRIMARY KEY CHECK (id = 1),
	version INTEGER NOT NULL
);
INSERT INTO inbox_version VALUES (1, 0);

-- Surveys (wb-survey(1)): the question, its scale as a score range, and
-- what follows a low score. Sends and answers are views over message,
-- derived from what was sent and received (wb(7)): a survey message is
-- one whose idempotency key starts survey:NAME:, an answer a reply that
-- quotes it (a list or button reply, or a template's quick-reply button
-- whose payload is the score), or a typed number within the window.
CREATE TABLE survey (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL UNIQUE,
	ask        TEXT NOT NULL,
	scale      TEXT NOT NULL,                   -- csat nps yesno, or the options A|B|C
	score_min  INTEGER NOT NULL,
	score_max  INTEGER NOT NULL,
	follow_up  TEXT,                            -- wb-reply auto's answer to a low score
	window     INTEGER NOT NULL DEFAULT 86400,  -- seconds an answer is taken
	on_resolve INTEGER NOT NULL DEFAULT 0,      -- 1: sent when a conversation is resolved
	template   TEXT,                            -- sent instead when the 24-hour window is closed
	created_at INTEGER NOT NULL
);
CREATE VIEW survey_send (survey_id, message_id, contact_id, wamid, sent_at) AS
	SELECT s.id, m.id, m.contact_id, m.wamid, coalesce(m.sent_at, m.ts)
	FROM survey s JOIN message m
	  ON m.idem_key >= 'survey:' || s.name || ':' AND m.idem_key < 'survey:' || s.name || ';'
	WHERE m.direction = 'out' AND m.wamid IS NOT NULL;
CREATE VIEW survey_answer (survey_id, send_id, contact_id, message_id, sent_at, answered_at, score, text) AS
	WITH cand AS (
		SELECT ss.survey_id, ss.message_id AS send_id, ss.contact_id, i.id AS message_id, ss.sent_at,
		       i.ts AS answered_at, i.body AS text, s.score_min, s.score_max,
		       CAST(CASE i.type
		            WHEN 'interactive' THEN coalesce(json_extract(i.payload, '$.interactive.button_reply.id'),
		                                             json_extract(i.payload, '$.interactive.list_reply.id'))
		            WHEN 'button' THEN json_extract(i.payload, '$.button.payload')
		            ELSE trim(i.body) END AS INTEGER) AS score
		FROM survey_send ss JOIN survey s ON s.id = ss.survey_id
		JOIN message i ON i.contact_id = ss.contact_id AND i.direction = 'in'
		 AND i.ts >= ss.sent_at AND i.ts <= ss.sent_at + s.window
		WHERE (i.type IN ('interactive', 'button') AND i.reply_to = ss.wamid)
		   OR (i.type = 'text' AND (trim(i.body) GLOB '[0-9]' OR trim(i.body) GLOB '[0-9][0-9]')
		       AND NOT EXISTS (SELECT 1 FROM survey_send l WHERE l.contact_id = ss.contact_id
		                       AND l.sent_at > ss.sent_at AND l.sent_at <= i.ts))),
	ranked AS (
		SELECT *, row_number() OVER (PARTITION BY send_id ORDER BY answered_at DESC, message_id DESC) AS n
		FROM cand WHERE score BETWEEN score_min AND score_max)
	SELECT survey_id, send_id, contact_id, message_id, sent_at, answered_at, score, text
	FROM ranked WHERE n = 1;

-- Everything else that is one value: the business profile (profile.*),
-- greeting.*, away.*, optout.words, limit.tier, … (wb(7) lists the keys).
CREATE TABLE setting (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;

-- One number that every change to what wb-reply auto decides by (settings,
-- hours, holidays, quick replies, keywords) moves, whoever makes it (the
-- triggers below): a pipeline that runs for weeks looks at it for each
-- message and reads the settings again when it has moved.
CREATE TABLE settings_version (
	id      INTEGER PRIMARY KEY CHECK (id = 1),
	version INTEGER NOT NULL
);
INSERT INTO settings_version VALUES (1, 0);
CREATE TRIGGER setting_insert_bumps AFTER INSERT ON setting BEGIN UPDATE settings_version SET version = version + 1; END;
CREATE TRIGGER setting_update_bumps AFTER UPDATE ON setting BEGIN UPDATE settings_version SET version = version + 1; END;
CREATE TRIGGER setting_delete_bumps AFTER DELETE ON setting BEGIN UPDATE settings_version SET version = version + 1; END;
CREATE TRIGGER hours_insert_bumps AFTER INSERT ON hours BEGIN UPDATE settings_version SET version = version + 1; END;
CREATE TRIGGER hours_update_bumps AFTER UPDATE ON hours BEGIN UPDATE settings_version SET version = version + 1; END;
CREATE TRIGGER hours_delete_bumps AFTER DELETE ON hours BEGIN UPDATE settings_version SET version = version + 1; END;
CREATE TRIGGER hours_exception_insert_bumps AFTER INSERT ON hours_exception BEGIN UPDATE settings_version SET version = version + 1; END;
CREATE TRIGGER hours_exception_update_bumps AFTER UPDATE ON hours_exception BEGIN UPDATE settings_version SET version = version + 1; END;
CREATE TRIGGER hours_exception_delete_bumps AFTER DELETE ON hours_exception BEGIN UPDATE settings_version SET version = version + 1; END;
CREATE TRIGGER quick_reply_insert_bumps AFTER INSERT ON quick_reply BEGIN UPDATE settings_version SET version = version + 1; END;
CREATE TRIGGER quick_reply_update_bumps AFTER UPDATE ON quick_reply BEGIN UPDATE settings_version SET version = version + 1; END;
CREATE TRIGGER quick_reply_delete_bumps AFTER DELETE ON quick_reply BEGIN UPDATE settings_version SET version = version + 1; END;
CREATE TRIGGER keyword_insert_bumps AFTER INSERT ON keyword BEGIN UPDATE settings_version SET version = version + 1; END;
CREATE TRIGGER keyword_update_bumps AFTER UPDATE ON keyword BEGIN UPDATE settings_version SET version = version + 1; END;
CREATE TRIGGER keyword_delete_bumps AFTER DELETE ON keyword BEGIN UPDATE settings_version SET version = version + 1; END;

-- section: change log
-- The change log (issue 14, wb-contact log --all): one row per message,
-- status change, label change and contact change, written by the
-- triggers below in the writer's own transaction, so every writer is
-- logged without knowing of it. id is the cursor: rowids are handed out
-- inside the one write transaction SQLite allows at a time, so ids
-- commit in order and a reader never sees id N+1 while N is still to
-- come. A new id is the largest plus one: prune old rows (DELETE FROM
-- change WHERE id < N) but keep the newest. The triggers stay cheap (an
-- import or a webhook burst writes a row per contact or message): a row
-- holds what was, or what cannot be read later (a status, a label's
-- name, the phone, a removed contact's fields); the rest is read from
-- message and contact as they are (wb(7)).
CREATE TABLE change (
	id         INTEGER PRIMARY KEY,             -- the cursor
	at         INTEGER NOT NULL,                -- when it was written
	kind       TEXT NOT NULL,                   -- message status label contact
	op         TEXT NOT NULL,                   -- message: in out; status: the new one;
	                                            -- label: applied removed; contact: created
	                                            -- updated opted_out opted_in removed
	contact_id INTEGER,                         -- no foreign key: it outlives the contact
	phone      TEXT,                            -- the contact's wa_id then
	user_id    TEXT,                            -- the contact's user ID then
	message_id INTEGER,                         -- message, status, a message's label
	label      TEXT,                            -- label: its name then
	detail     TEXT                             -- JSON: a status's error, the contact fields
	                                            -- that changed, a removed contact's fields
);
CREATE TRIGGER change_message AFTER INSERT ON message BEGIN
	INSERT INTO change (at, kind, op, contact_id, phone, user_id, message_id)
	SELECT unixepoch(), 'message', NEW.direction, NEW.contact_id, c.wa_id, c.user_id, NEW.id
	FROM contact c WHERE c.id = NEW.contact_id;
END;
CREATE TRIGGER change_status AFTER UPDATE OF status ON message
WHEN NEW.status IS NOT OLD.status BEGIN
	INSERT INTO change (at, kind, op, contact_id, phone, user_id, message_id, detail)
	SELECT unixepoch(), 'status', NEW.status, NEW.contact_id, c.wa_id, c.user_id, NEW.id,
		CASE WHEN NEW.error_code IS NOT NULL OR NEW.error_text IS NOT NULL
		THEN json_object('error_code', NEW.error_code, 'error_text', NEW.error_text) END
	FROM contact c WHERE c.id = NEW.contact_id;
END;
-- A label taken off because its contact, message or label went is not
-- logged apart: the contact's removal says it, and a label's deletion is
-- logged for each holder before the rows go (change_label_gone).
CREATE TRIGGER change_contact_label_on AFTER INSERT ON contact_label BEGIN
	INSERT INTO change (at, kind, op, contact_id, phone, user_id, label)
	SELECT unixepoch(), 'label', 'applied', NEW.contact_id, c.wa_id, c.user_id,
		(SELECT name FROM label WHERE id = NEW.label_id)
	FROM contact c WHERE c.id = NEW.contact_id;
END;
CREATE TRIGGER change_contact_label_off AFTER DELETE ON contact_label
WHEN EXISTS (SELECT 1 FROM label WHERE id = OLD.label_id) BEGIN
	INSERT INTO change (at, kind, op, contact_id, phone, user_id, label)
	SELECT unixepoch(), 'label', 'removed', OLD.contact_id, c.wa_id, c.user_id,
		(SELECT name FROM label WHERE id = OLD.label_id)
	FROM contact c WHERE c.id = OLD.contact_id;
END;
CREATE TRIGGER change_message_label_on AFTER INSERT ON message_label BEGIN
	INSERT INTO change (at, kind, op, contact_id, phone, user_id, message_id, label)
	SELECT unixepoch(), 'label', 'applied', m.contact_id, c.wa_id, c.user_id, m.id,
		(SELECT name FROM label WHERE id = NEW.label_id)
	FROM message m JOIN contact c ON c.id = m.contact_id WHERE m.id = NEW.message_id;
END;
CREATE TRIGGER change_message_label_off AFTER DELETE ON message_label
WHEN EXISTS (SELECT 1 FROM label WHERE id = OLD.label_id) BEGIN
	INSERT INTO change (at, kind, op, contact_id, phone, user_id, message_id, label)
	SELECT unixepoch(), 'label', 'removed', m.contact_id, c.wa_id, c.user_id, m.id,
		(SELECT name FROM label WHERE id = OLD.label_id)
	FROM message m JOIN contact c ON c.id = m.contact_id WHERE m.id = OLD.message_id;
END;
CREATE TRIGGER change_label_gone BEFORE DELETE ON label BEGIN
	INSERT INTO change (at, kind, op, contact_id, phone, user_id, message_id, label)
	SELECT unixepoch(), 'label', 'removed', c.id, c.wa_id, c.user_id, NULL, OLD.name
	FROM contact_label cl JOIN contact c ON c.id = cl.contact_id WHERE cl.label_id = OLD.id
	UNION ALL
	SELECT unixepoch(), 'label', 'removed', m.contact_id, c.wa_id, c.user_id, m.id, OLD.name
	FROM message_label ml JOIN message m ON m.id = ml.message_id
	JOIN contact c ON c.id = m.contact_id WHERE ml.label_id = OLD.id;
END;
CREATE TRIGGER change_contact_new AFTER INSERT ON contact BEGIN
	INSERT INTO change (at, kind, op, contact_id, phone, user_id)
	VALUES (unixepoch(), 'contact', 'created', NEW.id, NEW.wa_id, NEW.user_id);
END;
-- Only name and attrs: wb-recv sets wa_id, user_id, profile_name and the
-- times with every message (and the message is logged itself), and an
-- UPDATE of a column a trigger watches costs SQLite a statement journal
-- and a second pass. A phone or user ID that changes is logged when the
-- old one becomes an alias (change_contact_key).
CREATE TRIGGER change_contact_edit AFTER UPDATE OF name, attrs ON contact
WHEN NEW.name IS NOT OLD.name OR NEW.attrs IS NOT OLD.attrs BEGIN
	INSERT INTO change (at, kind, op, contact_id, phone, user_id, detail)
	VALUES (unixepoch(), 'contact', 'updated', NEW.id, NEW.wa_id, NEW.user_id,
		json_object('changed', json('[' || rtrim(
			CASE WHEN NEW.name IS NOT OLD.name THEN '"name",' ELSE '' END ||
			CASE WHEN NEW.attrs IS NOT OLD.attrs THEN '"attrs",' ELSE '' END, ',') || ']')));
END;
-- The row has the identifiers the contact had (the next rows have the
-- new one) and names the one that changed.
CREATE TRIGGER change_contact_key AFTER INSERT ON contact_alias BEGIN
	INSERT INTO change (at, kind, op, contact_id, phone, user_id, detail)
	SELECT unixepoch(), 'contact', 'updated', c.id, c.wa_id, c.user_id,
		json_object('changed', json_array(NEW.kind))
	FROM contact c WHERE c.id = NEW.contact_id;
END;
CREATE TRIGGER change_contact_optout AFTER UPDATE OF opted_out ON contact
WHEN NEW.opted_out IS NOT OLD.opted_out BEGIN
	INSERT INTO change (at, kind, op, contact_id, phone, user_id)
	VALUES (unixepoch(), 'contact', CASE WHEN NEW.opted_out THEN 'opted_out' ELSE 'opted_in' END,
		NEW.id, NEW.wa_id, NEW.user_id);
END;
CREATE TRIGGER change_contact_gone AFTER DELETE ON contact BEGIN
	INSERT INTO change (at, kind, op, contact_id, phone, user_id, detail)
	VALUES (unixepoch(), 'contact', 'removed', OLD.id, OLD.wa_id, OLD.user_id,
		json_object('name', OLD.name, 'profile_name', OLD.profile_name, 'attrs', json(OLD.attrs)));
END;
-- end: change log

-- WhatsApp's default labels, as a new WhatsApp Business account has them.
INSERT INTO label (name, color, created_at) VALUES
	('New customer', 1, strftime('%s', 'now')),
	('New order', 2, strftime('%s', 'now')),
	('Pending payment', 3, strftime('%s', 'now')),
	('Paid', 4, strftime('%s', 'now')),
	('Order complete', 5, strftime('%s', 'now'));
