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
	idem_key    TEXT UNIQUE,                    -- wb-send --key: sent at most once
	kind        TEXT CHECK (kind IN ('marketing', 'utility')), -- out: wb-send --kind; in: NULL
	tag         TEXT,                           -- out: wb-send --tag, sent as
	                                            -- biz_opaque_callback_data
	phone_number_id TEXT,                       -- the business number it came to or went from
	                                            -- (metadata.phone_number_id); NULL: WB_PHONE_ID
	source      TEXT,                           -- out: NULL sent by wb; 'app' from the WhatsApp
	                                            -- Business app (an echo); 'history' history sync
	edited_at   INTEGER,                        -- the sender edited it: body is the new text
	deleted_at  INTEGER                         -- the sender deleted it (revoke)
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
	kind          TEXT NOT NULL CHECK (kind IN ('away', 'greeting', 'keyword', 'none')),
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

-- Surveys (wb-survey(1)): the question, its scale as a score range, and
-- what follows a low score. Sends and answers are views over message,
-- derived from what was sent and received (wb(7)): a survey message is
-- one whose idempotency key starts survey:NAME:, an answer a reply that
-- quotes it, or a typed number within the window.
CREATE TABLE survey (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL UNIQUE,
	ask        TEXT NOT NULL,
	scale      TEXT NOT NULL,                   -- csat nps yesno, or the options A|B|C
	score_min  INTEGER NOT NULL,
	score_max  INTEGER NOT NULL,
	follow_up  TEXT,                            -- sent after a low score (not yet)
	window     INTEGER NOT NULL DEFAULT 86400,  -- seconds an answer is taken
	on_resolve INTEGER NOT NULL DEFAULT 0,      -- 1: sent when a conversation is resolved
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
		       CAST(CASE WHEN i.type = 'interactive'
		            THEN coalesce(json_extract(i.payload, '$.interactive.button_reply.id'),
		                          json_extract(i.payload, '$.interactive.list_reply.id'))
		            ELSE trim(i.body) END AS INTEGER) AS score
		FROM survey_send ss JOIN survey s ON s.id = ss.survey_id
		JOIN message i ON i.contact_id = ss.contact_id AND i.direction = 'in'
		 AND i.ts >= ss.sent_at AND i.ts <= ss.sent_at + s.window
		WHERE (i.type = 'interactive' AND i.reply_to = ss.wamid)
		   OR (i.type = 'text' AND (trim(i.body) GLOB '[0-9]' OR trim(i.body) GLOB '[0-9][0-9]')
		       AND NOT EXISTS (SELECT 1 FROM survey_send l WHERE l.contact_id = ss.contact_id
		                       AND l.sent_at > ss.sent_at AND l.sent_at <= i.ts))),
	ranked AS (
		SELECT *, row_number() OVER (PARTITION BY send_id ORDER BY answered_at DESC, message_id DESC) AS n
		FROM cand WHERE score BETWEEN score_min AND score_max)
	SELECT survey_id, send_id, contact_id, message_id, sent_at, answered_at, score, text
	FROM ranked WHERE n = 1;

-- Everything else that is one value: the business profile (profile.*),
-- greeting.*, away.*, optout.words, … (wb(7) lists the keys).
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

-- WhatsApp's default labels, as a new WhatsApp Business account has them.
INSERT INTO label (name, color, created_at) VALUES
	('New customer', 1, strftime('%s', 'now')),
	('New order', 2, strftime('%s', 'now')),
	('Pending payment', 3, strftime('%s', 'now')),
	('Paid', 4, strftime('%s', 'now')),
	('Order complete', 5, strftime('%s', 'now'));
