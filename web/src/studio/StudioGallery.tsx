// The gallery the Studio shows its samples in (the samples part's Gallery), behind one import so that page
// tests can stand in a light double for the virtualised grid.
export { Gallery as StudioGallery } from "../samples/Gallery";
