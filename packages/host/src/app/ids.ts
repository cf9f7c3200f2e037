// Ids in Mattermost's shape, for the layers above the application layer (request ids,
// connection ids): they make them as the store does.
export { newId } from "../store/ids.js";
