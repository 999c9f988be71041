// Property tests run with one fixed seed, so a run in CI is the run that passed here; set FC_SEED to explore
// other inputs locally (fast-check prints the seed of any failure).
import fc from 'fast-check';

fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261121) });
