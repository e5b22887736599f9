/* Upload planning: chunk boundaries, an upload's Range answer, its URLs. */
#include <criterion/criterion.h>

#include "keel/cleanup.h"
#include "upload.h"

Test(upload, chunk_plan)
{
    cr_assert(upload_is_monolithic(0, 100));
    cr_assert(upload_is_monolithic(100, 100));
    cr_assert_not(upload_is_monolithic(101, 100));
    /* 250 bytes in chunks of 100: [0,100) [100,200) [200,250) */
    cr_assert_eq(upload_chunk_end(0, 250, 100), 100);
    cr_assert_eq(upload_chunk_end(100, 250, 100), 200);
    cr_assert_eq(upload_chunk_end(200, 250, 100), 250);
    /* a resume mid-chunk goes one chunk on from there */
    cr_assert_eq(upload_chunk_end(137, 250, 100), 237);
    cr_assert_eq(upload_chunk_end(237, 250, 100), 250);
}

Test(upload, range_answers)
{
    cr_assert_eq(upload_range_next(NULL), 0);
    cr_assert_eq(upload_range_next("0-999"), 1000);
    cr_assert_eq(upload_range_next("bytes=0-4095"), 4096);
    cr_assert_eq(upload_range_next("0-0"), 0); /* distribution's empty upload */
    cr_assert_eq(upload_range_next("5-9"), -1);
    cr_assert_eq(upload_range_next("0-"), -1);
    cr_assert_eq(upload_range_next("0-12x"), -1);
    cr_assert_eq(upload_range_next("junk"), -1);
}

Test(upload, urls)
{
    cleanup_free char *rel = upload_url("http://h:5000", "/v2/a/blobs/uploads/u1?_state=x", NULL);
    cleanup_free char *abs = upload_url("http://h:5000", "https://other/up/u2", "sha256:ab");
    cleanup_free char *q = upload_url("http://h:5000", "/v2/a/blobs/uploads/u1?_state=x", "sha256:ab");
    cr_assert_str_eq(rel, "http://h:5000/v2/a/blobs/uploads/u1?_state=x");
    cr_assert_str_eq(abs, "https://other/up/u2?digest=sha256:ab");
    cr_assert_str_eq(q, "http://h:5000/v2/a/blobs/uploads/u1?_state=x&digest=sha256:ab");
}
