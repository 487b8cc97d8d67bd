-- The order a deck's new cards are introduced in: as the file lists them
-- ('in-order'), or a card from each area in turn ('interleaved').
ALTER TABLE decks ADD COLUMN new_cards TEXT NOT NULL DEFAULT 'in-order'
    CHECK (new_cards IN ('in-order', 'interleaved'));
