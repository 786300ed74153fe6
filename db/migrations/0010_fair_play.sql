-- One pending or running duel per member per server, enforced where the duel is written: two
-- challenges racing past the cog's friendly check cannot both be stored. The partial unique
-- index covers a member challenging twice; the trigger covers every seat (a member challenged
-- while challenging, or challenged twice at once), in the inserting transaction itself.
-- A database from before this rule may hold a member's second open duel (the race this closes):
-- the newer one is cancelled so the index can be built; the older one plays on.
UPDATE duels SET state = 'cancelled', finished_at = created_at
WHERE state IN ('pending', 'active') AND duel_id NOT IN (
    SELECT min(duel_id) FROM duels WHERE state IN ('pending', 'active')
    GROUP BY guild_id, challenger_id);

CREATE UNIQUE INDEX duels_one_open_per_challenger ON duels (guild_id, challenger_id)
    WHERE state IN ('pending', 'active');

CREATE TRIGGER duels_one_open_per_member BEFORE INSERT ON duels
WHEN NEW.state IN ('pending', 'active') AND EXISTS (
    SELECT 1 FROM duels WHERE guild_id = NEW.guild_id AND state IN ('pending', 'active')
    AND (challenger_id IN (NEW.challenger_id, NEW.opponent_id)
         OR opponent_id IN (NEW.challenger_id, NEW.opponent_id)))
BEGIN
    SELECT RAISE(ABORT, 'member already in a duel');
END;
