"""Front pages arranged by editors (slots, scheduled) and the «عاجل» breaking line."""
