// Polls a condition with a deadline: fault tests wait for the cluster's state, never for a fixed time. The same
// helper as the library's tests use.
export { waitUntil } from '../../packages/rwsplit/test/helpers/wait-until';
