// Curation: moderators' changes to the corpus (ingest, remove, restore, refresh), the trash and the audit log.
export { Curator, INGEST_DIR, startTrashRetention, type Actor, type CorpusAction, type CorpusChange, type AuditPage, type CuratorOptions, type IngestOutcome, type RefreshOutcome, type Refused, type RemoveOutcome, type RestoreOutcome, type TrashMatch, type VersionChange } from './curator.ts';
export { AuditLog, AUDIT_FILE, type AuditAction, type AuditEntry } from './audit.ts';
export { TRASH_DIR, listTrash, trashedPath, type TrashEntry, type TrashPurge } from './files.ts';
