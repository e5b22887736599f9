# shellcheck shell=bash
# keel-docker build: keel-image build with docker build's flags (the image ID
# on stdout with -q, exit 1 on a failed step). The flags that tune the classic
# builder's intermediate containers or the upload of the context to a daemon
# (--rm, --force-rm, --compress) are taken and change nothing: there is no
# intermediate container and no daemon. Resource limits, --platform and
# --cache-from are not offered (they would have to apply to RUN).

USAGE='[OPTIONS] PATH | URL | -'
ABOUT='Build an image from a Dockerfile'
ALIASES='image build, build, builder build'
OPTS=(
    '|build-arg|list|Set build-time variables'
    '|compress|bool|Compress the build context using gzip'
    '|disable-content-trust|bool|Skip image verification (default true)'
    'f|file|string|Name of the Dockerfile (Default is "PATH/Dockerfile")'
    '|force-rm|bool|Always remove intermediate containers'
    '|iidfile|string|Write the image ID to the file'
    '|label|list|Set metadata for an image'
    '|network|string|Set the networking mode for the RUN instructions during build (default "default")'
    '|no-cache|bool|Do not use cache when building the image'
    '|progress|string|Set type of progress output ("auto", "quiet", "plain", "tty"). Use plain to show container output (default "auto")'
    '|pull|bool|Always attempt to pull a newer version of the image'
    'q|quiet|bool|Suppress the build output and print image ID on success'
    '|rm|bool|Remove intermediate containers after a successful build (default true)'
    't|tag|list|Name and optionally a tag in the "name:tag" format'
    '|target|string|Set the target build stage to build.'
)

cmd_build() {
    opts_parse 1 "$@"
    opts_nargs exact 1
    local -a a=()
    opts_forward a tag file build-arg target network label progress iidfile no-cache pull quiet
    images build "${a[@]}" -- "${ARGS[0]}" || exit 1
}
