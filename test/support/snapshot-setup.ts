// vitest setup file: every Engine.open in the test processes keeps its default saved index in the run's
// temporary folder (made by capture-setup.ts), and bot processes the tests start get it as SNAPSHOT_DIR.
import { setDefaultSnapshotDir } from '../../src/store/snapshots.ts';
import { TEST_SNAPSHOTS_ENV } from './capture.ts';

const dir = process.env[TEST_SNAPSHOTS_ENV];
if (dir) setDefaultSnapshotDir(dir);
