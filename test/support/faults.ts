// Faults on demand inside a real bot process, for the tests that prove the bot survives them. Loaded before
// the bot with `node --import` (startBot's `preload` option); the bot's own code is unchanged. A question
// that contains a marker makes the engine, while answering it:
//   [fault:throw]     throw, inside the command (the error boundary must answer the user and log it);
//   [fault:reject]    leave a promise rejected with nobody listening (the process handler must log it once);
//   [fault:uncaught]  throw from a timer, outside any interaction (likewise).
// The last two answer the question normally as well. The engine module is the one the bot imports (one URL,
// one module instance), so patching its prototype here reaches the bot's engine.
import { Engine } from '../../src/engine.ts';

const ask = Engine.prototype.ask;

Engine.prototype.ask = function patched(this: Engine, ...args: Parameters<Engine['ask']>): ReturnType<Engine['ask']> {
  const question = args[0];
  if (question.includes('[fault:throw]')) throw new Error('injected fault: the engine failed on this question');
  if (question.includes('[fault:reject]')) void Promise.reject(new Error('injected fault: a promise rejected with nobody listening'));
  if (question.includes('[fault:uncaught]')) {
    setTimeout(() => {
      throw new Error('injected fault: an exception thrown from a timer');
    }, 0);
  }
  return ask.apply(this, args);
};
