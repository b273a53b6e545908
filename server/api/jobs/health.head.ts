/** HEAD: the GET's status and headers, no body (Node drops the body of a HEAD response). */
export { default } from './health.get'
