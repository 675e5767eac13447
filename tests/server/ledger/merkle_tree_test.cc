// Known answers for the ledger's persisted Merkle tree, fed raw leaves below
// the entry format: the RFC 6962 test tree.
#include "server/ledger/merkle_tree.h"

#include <gtest/gtest.h>

#include "absl/strings/escaping.h"
#include "core/merkle.h"
#include "server/storage/memory_store.h"

namespace ocoptrace::ledger {
namespace {

const char* kLeavesHex[] = {"",         "00",       "10",
                            "2021",     "3031",     "40414243",
                            "5051525354555657",
                            "606162636465666768696a6b6c6d6e6f"};

// RFC 6962 test tree roots for sizes 1..8 (as in transparency-dev/merkle).
const char* kRootsHex[] = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

class MerkleTreeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::WriteBatch batch;
    for (const char* hex : kLeavesHex) {
      Hash leaf = LeafHash(absl::HexStringToBytes(hex));
      leaves_.push_back(leaf);
      frontier_.Append(leaf, batch);
      roots_.push_back(frontier_.Root());
    }
    ASSERT_TRUE(store_.Write(batch, {}).ok());
  }
  storage::MemoryStore store_;
  MerkleFrontier frontier_;
  std::vector<Hash> leaves_;
  std::vector<Hash> roots_;  // roots_[i] = root at size i + 1
};

TEST_F(MerkleTreeTest, RootsMatchRfc6962) {
  MerkleTreeReader reader(store_.Latest());
  for (uint64_t size = 1; size <= 8; ++size) {
    SCOPED_TRACE(size);
    EXPECT_EQ(HashToHex(roots_[size - 1]), kRootsHex[size - 1]);
    auto root = reader.Root(size);
    ASSERT_TRUE(root.ok()) << root.status();
    EXPECT_EQ(HashToHex(*root), kRootsHex[size - 1]);
  }
  EXPECT_EQ(*reader.Root(0), EmptyTreeRoot());
}

TEST_F(MerkleTreeTest, EveryInclusionProofVerifiesAndTamperingFails) {
  MerkleTreeReader reader(store_.Latest());
  for (uint64_t size = 1; size <= 8; ++size) {
    for (uint64_t index = 0; index < size; ++index) {
      SCOPED_TRACE(testing::Message() << "index " << index << " size " << size);
      auto proof = reader.InclusionProof(index, size);
      ASSERT_TRUE(proof.ok()) << proof.status();
      EXPECT_EQ(*proof, ReferenceInclusionProof(leaves_, index, size));
      const Hash& root = roots_[size - 1];
      EXPECT_TRUE(VerifyInclusion(index, size, leaves_[index], *proof, root).ok());
      if (!proof->empty()) {
        auto flipped = *proof;
        flipped[0][0] ^= 1;
        EXPECT_FALSE(VerifyInclusion(index, size, leaves_[index], flipped, root).ok());
      }
      if (size > 1) {
        EXPECT_FALSE(VerifyInclusion((index + 1) % size, size, leaves_[index],
                                     *proof, root).ok());
      }
      // A wrong tree size that changes the path's shape. (Some nearby sizes
      // share the shape: an inclusion proof alone does not fix the size.)
      EXPECT_FALSE(VerifyInclusion(index, size + 8, leaves_[index], *proof, root).ok());
    }
  }
  EXPECT_FALSE(reader.InclusionProof(8, 8).ok());
}

TEST_F(MerkleTreeTest, EveryConsistencyProofVerifiesAndTamperingFails) {
  MerkleTreeReader reader(store_.Latest());
  for (uint64_t size2 = 1; size2 <= 8; ++size2) {
    for (uint64_t size1 = 1; size1 <= size2; ++size1) {
      SCOPED_TRACE(testing::Message() << size1 << " -> " << size2);
      auto proof = reader.ConsistencyProof(size1, size2);
      ASSERT_TRUE(proof.ok()) << proof.status();
      EXPECT_EQ(*proof, ReferenceConsistencyProof(leaves_, size1, size2));
      const Hash& root1 = roots_[size1 - 1];
      const Hash& root2 = roots_[size2 - 1];
      EXPECT_TRUE(VerifyConsistency(size1, size2, *proof, root1, root2).ok());
      if (!proof->empty()) {
        auto flipped = *proof;
        flipped.back()[31] ^= 0x80;
        EXPECT_FALSE(VerifyConsistency(size1, size2, flipped, root1, root2).ok());
        EXPECT_FALSE(VerifyConsistency(size1, size2 + 8, *proof, root1, root2).ok());
      }
      if (size1 < size2) {
        EXPECT_FALSE(VerifyConsistency(size1, size2, *proof, root2, root2).ok());
      }
    }
  }
  EXPECT_FALSE(reader.ConsistencyProof(0, 3).ok());
  EXPECT_FALSE(reader.ConsistencyProof(4, 3).ok());
}

TEST_F(MerkleTreeTest, FrontierReloadsFromStorage) {
  auto loaded = MerkleFrontier::Load(store_.Latest(), 8);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->Root(), roots_[7]);
  for (uint64_t size = 1; size <= 8; ++size) {
    auto partial = MerkleFrontier::Load(store_.Latest(), size);
    ASSERT_TRUE(partial.ok());
    EXPECT_EQ(partial->Root(), roots_[size - 1]);
  }
}

TEST(MerkleTreeLarge, ProofsMatchReferenceAtOddSizes) {
  storage::MemoryStore store;
  MerkleFrontier frontier;
  std::vector<Hash> leaves;
  storage::WriteBatch batch;
  for (int i = 0; i < 1000; ++i) {
    leaves.push_back(LeafHash(std::to_string(i)));
    frontier.Append(leaves.back(), batch);
  }
  ASSERT_TRUE(store.Write(batch, {}).ok());
  MerkleTreeReader reader(store.Latest());
  for (uint64_t size : {1, 2, 3, 255, 256, 257, 511, 999, 1000}) {
    std::vector<Hash> prefix(leaves.begin(), leaves.begin() + size);
    EXPECT_EQ(*reader.Root(size), RootOfLeafHashes(prefix));
    for (uint64_t index : {uint64_t{0}, size / 2, size - 1}) {
      EXPECT_EQ(*reader.InclusionProof(index, size),
                ReferenceInclusionProof(leaves, index, size));
    }
    for (uint64_t size1 : {uint64_t{1}, size / 3 + 1, size}) {
      EXPECT_EQ(*reader.ConsistencyProof(size1, size),
                ReferenceConsistencyProof(leaves, size1, size));
    }
  }
}

}  // namespace
}  // namespace ocoptrace::ledger
