/**
 * Child process of the code-cache tests (test/validation-models-loader.test.ts): V8 keeps compiled
 * scripts in memory per process, so whether a code cache on disk is used can only be seen in a
 * new process. Validates one Service (valid and invalid), saves the caches, prints the loader's stats.
 */
import { kindValidator, modelsLoaderStats, saveCompiledValidators } from '../../lib/validation/models-loader';

const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 'http' }] } };
const validate = kindValidator('v1', 'Service')!;
const valid = validate(service);
const invalid = !validate({ ...service, spec: { ports: [{ port: 'eighty' }] } });
saveCompiledValidators();
process.stdout.write(`${JSON.stringify({ valid, invalid, ...modelsLoaderStats() })}\n`);
