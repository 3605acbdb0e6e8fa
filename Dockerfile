# The upcheck image: one static binary on scratch (no shell, no libc, no CA files; the root
# certificates are compiled in). Two ways in:
#   docker build .                      compiles from source (release workflow)
#   docker build --target prebuilt .    packages target/x86_64-unknown-linux-musl/release/upcheck,
#                                       built beforehand with cargo; pulls nothing
ARG RUST_IMAGE=rust:1-alpine

FROM ${RUST_IMAGE} AS build
# The toolchain image moves with Rust releases; its musl-dev is the one that matches it.
# hadolint ignore=DL3018
RUN apk add --no-cache musl-dev
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src ./src
RUN cargo build --release --locked && cp target/release/upcheck /upcheck

FROM scratch AS prebuilt
COPY target/x86_64-unknown-linux-musl/release/upcheck /upcheck
ENTRYPOINT ["/upcheck"]

FROM scratch AS source
COPY --from=build /upcheck /upcheck
ENTRYPOINT ["/upcheck"]
