-- A daily answer is recorded by one INSERT into this view: the answer itself (whose trigger
-- updates the member summaries), the streak that the cog's pure rule computed, and the
-- member's display name. One statement is atomic on its own and costs one trip to the
-- database thread instead of six; a second answer to the same post fails the unique index
-- on answers and nothing at all is written.
CREATE VIEW daily_answer_writes AS SELECT
    NULL AS guild_id, NULL AS user_id, NULL AS item_id, NULL AS topic, NULL AS post_id,
    NULL AS reply, NULL AS correct, NULL AS score, NULL AS points, NULL AS answered_at,
    NULL AS day, NULL AS streak_current, NULL AS streak_best, NULL AS sequence,
    NULL AS display_name;

CREATE TRIGGER daily_answer_writes_insert INSTEAD OF INSERT ON daily_answer_writes BEGIN
    INSERT INTO answers (guild_id, user_id, item_id, topic, context, context_id, reply, correct,
                         score, points, answered_at, day)
    VALUES (NEW.guild_id, NEW.user_id, NEW.item_id, NEW.topic, 'daily', NEW.post_id, NEW.reply,
            NEW.correct, NEW.score, NEW.points, NEW.answered_at, NEW.day);
    INSERT INTO daily_streaks (guild_id, user_id, current, best, last_sequence)
    VALUES (NEW.guild_id, NEW.user_id, NEW.streak_current, NEW.streak_best, NEW.sequence)
    ON CONFLICT (guild_id, user_id) DO UPDATE SET current = excluded.current,
        best = excluded.best, last_sequence = excluded.last_sequence;
    INSERT INTO members (guild_id, user_id, display_name, seen_at)
    VALUES (NEW.guild_id, NEW.user_id, NEW.display_name, NEW.answered_at)
    ON CONFLICT (guild_id, user_id) DO UPDATE SET display_name = excluded.display_name,
        seen_at = excluded.seen_at;
END;
