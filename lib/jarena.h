/* jarena — jansson's memory for one parsed document: the many small
 * allocations of its tree (a node, a hash table, a string each) taken
 * from an arena of the document's own and given back at once, rather
 * than a malloc and a free each (freeing a parsed webhook was a sixth of
 * wb-recv's reading thread, parsing most of the rest). Outside
 * jarena_enter … jarena_leave, jansson allocates with malloc as ever, so
 * what json_dumps returns is still free()'d. It knows nothing of what
 * the documents hold. */
#ifndef WB_JARENA_H
#define WB_JARENA_H

typedef struct jarena jarena;

/* From here to jarena_leave, jansson's allocations on this thread come
 * from *a (made when NULL), and its frees of them do nothing; frees of
 * other memory are free()'s. Not nested. */
void jarena_enter(jarena **a);
void jarena_leave(void);
/* Gives back all of a (NULL: nothing), on any thread: what was made in
 * it is gone, whatever its reference counts, and needs no json_decref
 * (one, if made, goes between jarena_enter(&a) and jarena_leave; a node
 * from outside that a tree of a refers to keeps the count the tree gave
 * it unless so). A tree made in an arena is read outside it but changed
 * only inside it: a free outside would hand free() a pointer it never
 * gave. */
void jarena_free(jarena *a);

#endif
