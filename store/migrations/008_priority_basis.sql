-- Where a ticket's priority came from and whether anyone checked it (app.Ticket.PriorityBasis and
-- PriorityVerified): elderly priority from a typed ID number is 未核验 until a window confirms it,
-- and 孕妇 or 残疾 is the visitor's own declaration.
ALTER TABLE tickets ADD COLUMN priority_basis TEXT NOT NULL DEFAULT '';
ALTER TABLE tickets ADD COLUMN priority_verified INTEGER NOT NULL DEFAULT 0;
