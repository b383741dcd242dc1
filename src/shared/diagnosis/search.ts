// Catalog search by symptom (issue 22): "loss not decreasing", "accuracy stuck at 10%", "NaN".
// Users describe what they see, not rule ids: a query is matched against the symptoms each rule
// can explain (how people phrase them on StackOverflow and in the seeds), then against the rule's
// own words, tolerating a typo per long word and English inflections.
import type { Rule } from './types';

/** What users type, and the rules that explain it (causes and symptoms alike). */
const SYMPTOMS: Array<{ phrases: string[]; rules: string[] }> = [
  {
    phrases: ['loss not decreasing', 'loss does not go down', 'loss stuck', 'loss flat', 'loss not changing', 'not learning', 'model does not learn', 'loss not improving', 'training stuck', 'loss constant'],
    rules: ['loss.plateau', 'trend.stuck', 'loss.at-chance', 'loss.saturated', 'loss.slow', 'weights.unchanged', 'grad.vanishing', 'opt.lr-out-of-range', 'data.unnormalized', 'model.loss-activation-mismatch', 'model.output-range', 'model.all-frozen', 'act.dead-relu', 'model.bad-init', 'output.saturated'],
  },
  {
    phrases: ['accuracy stuck', 'accuracy not improving', 'accuracy constant', 'random guess', 'chance level', 'accuracy 10%', 'accuracy 50%', 'accuracy same every epoch'],
    rules: ['loss.at-chance', 'output.saturated', 'data.label-shape-mismatch', 'model.loss-activation-mismatch', 'data.class-imbalance', 'model.softmax-single-unit', 'data.unshuffled', 'model.double-softmax', 'loss.saturated'],
  },
  { phrases: ['nan', 'loss nan', 'infinity', 'inf loss', 'not a number'], rules: ['loss.nan', 'data.nan-inf', 'loss.custom-unsafe-log', 'loss.exploding', 'grad.exploding', 'model.bad-init', 'opt.lr-out-of-range'] },
  { phrases: ['loss explodes', 'loss increasing', 'loss goes up', 'diverges', 'loss huge'], rules: ['loss.exploding', 'trend.diverging', 'grad.exploding', 'opt.lr-out-of-range', 'data.unscaled-targets', 'update.ratio'] },
  { phrases: ['overfitting', 'validation loss increasing', 'val loss goes up', 'validation worse than training', 'test accuracy low'], rules: ['trend.overfitting', 'trend.val-overconfident', 'model.dropout-high'] },
  { phrases: ['loss is zero', 'loss 0 from start', 'zero loss'], rules: ['loss.zero-early', 'model.softmax-single-unit', 'data.constant-targets'] },
  { phrases: ['predicts same class', 'same prediction for every input', 'same output for every input', 'predicts same value', 'all predictions same', 'constant output', 'predictions all 1', 'predictions all 0'], rules: ['output.constant', 'output.saturated', 'act.dead-relu', 'data.class-imbalance', 'loss.saturated', 'model.activation-before-output', 'model.bad-init', 'data.constant-targets'] },
  { phrases: ['out of memory', 'oom', 'memory grows', 'crash', 'run failed', 'error'], rules: ['mem.oom', 'mem.tensor-leak', 'run.failed'] },
  { phrases: ['kernel not registered', 'shape error', 'dtype error', 'wrong shape', 'expected input to have shape'], rules: ['run.failed', 'data.label-shape-mismatch'] },
  { phrases: ['slow training', 'training slow', 'converges slowly'], rules: ['loss.slow', 'perf.eval-every-batch', 'perf.backend-fallback', 'opt.plain-sgd', 'data.unscaled-targets'] },
  { phrases: ['accuracy 100%', 'too good to be true', 'perfect validation accuracy', 'auc 1'], rules: ['metric.too-good', 'data.train-val-overlap', 'data.constant-targets'] },
  { phrases: ['loss 16.1', 'loss 87.33', 'loss stuck at 16'], rules: ['loss.saturated'] },
  { phrases: ['negative loss', 'loss below zero'], rules: ['kl.negative', 'model.loss-task-mismatch'] },
  { phrases: ['loss oscillates', 'loss jumps', 'loss noisy', 'loss bouncing'], rules: ['loss.oscillating', 'update.ratio', 'model.bn-small-batch', 'data.unshuffled'] },
  { phrases: ['regression predictions wrong range', 'predictions never above 1', 'negative targets'], rules: ['model.output-range', 'data.unscaled-targets'] },
];

const STOP_WORDS = new Set(['the', 'a', 'an', 'is', 'are', 'my', 'at', 'of', 'to', 'in', 'on', 'and', 'or', 'it', 'for', 'with', 'why', 'does', 'do', 'doesn', 't', 'stays', 'keeps', 'very', 'after', 'every', 'epoch', 'always']);

/** Lower case, split, drop stop words, and reduce English inflections (decreasing → decreas). */
export function searchTerms(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/n't\b/g, ' not')
    .split(/[^a-z0-9%.]+/)
    .map((word) => word.replace(/^\.+|\.+$/g, ''))
    .filter((word) => word && !STOP_WORDS.has(word))
    .map((word) => (word.length > 5 ? word.replace(/(ing|ed|es|(?<!s)s)$/, '') : word.length > 3 ? word.replace(/(?<!s)s$/, '') : word));
}

/** One edit (insert, delete, substitute, swap) apart, for words of 5+ letters; equal otherwise. */
function similar(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.min(a.length, b.length) < 5 || Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const restA = a.slice(i);
  const restB = b.slice(i);
  return restA.slice(1) === restB.slice(1) || restA.slice(1) === restB || restA === restB.slice(1) || (restA[0] === restB[1] && restA[1] === restB[0] && restA.slice(2) === restB.slice(2));
}

const has = (terms: readonly string[], term: string) => terms.some((candidate) => similar(candidate, term) || (term.length >= 4 && candidate.startsWith(term)));

export interface CatalogHit {
  rule: Rule;
  score: number;
}

/** Rules matching a query, best first; an empty query matches nothing. */
export function searchCatalog(query: string, rules: readonly Rule[]): CatalogHit[] {
  const terms = searchTerms(query);
  if (!terms.length) return [];
  // A rule id (from a finding, a report or --json) finds that rule alone.
  const byId = rules.find((rule) => rule.id === query.trim().toLowerCase());
  if (byId) return [{ rule: byId, score: Number.POSITIVE_INFINITY }];
  const scores = new Map<string, number>();
  for (const symptom of SYMPTOMS) {
    const best = Math.max(
      ...symptom.phrases.map((phrase) => {
        const words = searchTerms(phrase);
        const matched = words.filter((word) => has(terms, word)).length;
        // Most of the phrase said, in the user's words: "loss not decreasing" ≈ "loss does not go down".
        return matched / words.length >= 0.6 ? matched / words.length : 0;
      }),
    );
    if (best > 0) symptom.rules.forEach((id, rank) => scores.set(id, (scores.get(id) ?? 0) + 4 * best - rank * 0.1));
  }
  for (const rule of rules) {
    const fields: Array<[string, number]> = [
      [rule.id.replace(/[.-]/g, ' '), 3],
      [rule.title, 3],
      [rule.explanation, 1],
      [rule.fix.text, 0.5],
      [rule.source, 0.5],
    ];
    let textScore = 0;
    let matchedTerms = 0;
    for (const term of terms) {
      const weight = Math.max(0, ...fields.map(([text, w]) => (has(searchTerms(text), term) ? w : 0)));
      if (weight > 0) matchedTerms++;
      textScore += weight;
    }
    // Words of the query found in the rule's own text count only when most of the query is there.
    if (matchedTerms / terms.length >= 0.6) scores.set(rule.id, (scores.get(rule.id) ?? 0) + textScore / terms.length);
  }
  return rules
    .map((rule) => ({ rule, score: scores.get(rule.id) ?? 0 }))
    .filter((hit) => hit.score > 0)
    .sort((a, b) => b.score - a.score);
}
